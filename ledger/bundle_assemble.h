// Building a disclosure bundle: from what the ledger says at one anchor block
// (the material: proofs and records a node serves, or a store holds) and what
// the worker chooses (entries or a period, the fields to open, the matcher,
// the expiry), with the worker's key, which opens each payload to take the
// field salts of the opened fields and the leaves of the withheld ones.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "ledger/bundle.h"
#include "ledger/chain_store.h"

namespace jobcard::ledger {

struct MaterialEntry {
  Tx tx;
  std::uint64_t log_index = 0;
  std::vector<Hash32> inclusion;  // to the anchor's log root
};

// Everything the ledger says that a bundle carries, all at the anchor.
struct BundleMaterial {
  std::string chain_id;
  Hash32 genesis_hash{};
  BlockHeader anchor;
  CommitCertificate anchor_certificate;
  std::vector<ValidatorTransition> transitions;
  SubjectRecord subject_record;
  SmtProof subject_proof;
  std::vector<BundleEmployer> employers;  // every employer and host of the entries
  std::vector<MaterialEntry> entries;     // the chosen entries, in the subject's record order
};

struct BundleRequest {
  crypto::PublicKey audience{};
  std::uint64_t created_at = 0;
  std::uint64_t expires_at = 0;
  std::optional<BundlePeriod> period;
  std::set<PayloadFieldId> disclose;  // fields opened; all others are withheld
};

// The fields opened unless the worker says otherwise: all but the sensitive ones.
std::set<PayloadFieldId> DefaultDisclosure();

// The entries a bundle for `period` must show (spec/bundle.md §Completeness):
// the subject's current career entries effective in the period, in record order.
std::vector<EntryId> PeriodEntryIds(const SubjectRecord& record, const BundlePeriod& period);

// The employers whose records the bundle needs for these entries: each
// entry's employer and, for secondments, its host; each once.
std::vector<CorporateNumber> SigningEmployers(const std::vector<Tx>& entries);

// Errors: bundle.not_subject_key (the key is not the subject's key of record),
// bundle.no_entries, bundle.cannot_open (a payload does not open with the key).
Result<Bundle> AssembleBundle(BundleMaterial material, const BundleRequest& request, const crypto::SigningKey& subject_key);

// The material for `ids` from a store, anchored at its tip, every part read
// at that one tip even while blocks commit. Errors: bundle.unknown_subject,
// bundle.unknown_entry, store.busy (commits overlapped every try), and the
// store's own.
Result<BundleMaterial> MaterialFromStore(const ChainStore& store, const SubjectId& subject, const std::vector<EntryId>& ids);

}  // namespace jobcard::ledger
