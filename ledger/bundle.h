// Disclosure bundles (spec/bundle.md): what a worker hands a matcher so that
// the matcher can check, offline and with nothing but the genesis file, that
// the entries it is shown are on the ledger, signed by the employers' keys
// active at the time, current (not corrected, not disputed), complete for a
// period when that is claimed, and that the disclosed payload fields are the
// ones the employer committed to. Withheld fields travel as commitment leaves
// only; the payload's master salt never leaves the worker.
//
// Everything a verifier relies on is anchored in one block header (the
// anchor): the subject's record and the employers' records are proven against
// its state root, the entries against its log root, and the header itself by
// a commit certificate of the validator set that genesis (and any recorded
// set transitions) says certifies it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/sign.h"
#include "ledger/block.h"
#include "ledger/payload.h"
#include "ledger/smt_proof.h"
#include "ledger/state_records.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

inline constexpr std::string_view kBundleFormat = "jobcard.bundle.v1";
inline constexpr std::string_view kBundleSignatureTag = "jobcard.v1.bundle";
// A bundle is a file or an API body: the node's default body limit.
inline constexpr std::size_t kMaxBundleBytes = 1024 * 1024;
inline constexpr std::size_t kMaxBundleEntries = 256;
inline constexpr std::size_t kMaxBundleEmployers = 64;
inline constexpr std::size_t kMaxValidatorTransitions = 64;

// One payload field of an entry, in the payload's field order: either opened
// (its value and its own field salt, from which the verifier recomputes the
// leaf) or withheld (the leaf alone, which hides the field's id and value).
struct FieldOpening {
  bool disclosed = false;
  PayloadFieldId id = PayloadFieldId::kPosition;  // disclosed only
  std::string value;                              // disclosed only
  Hash32 field_salt{};                            // disclosed only
  Hash32 leaf{};                                  // withheld only
  bool operator==(const FieldOpening&) const = default;
};

struct BundleEntry {
  Tx tx;  // the signed entry, exactly as committed
  std::uint64_t log_index = 0;
  std::vector<Hash32> inclusion;  // RFC 9162 path to the anchor's log root
  std::vector<FieldOpening> fields;
  bool operator==(const BundleEntry&) const = default;
};

// An employer's record at the anchor (its keys with the heights they were
// added and revoked at) and its state-index proof.
struct BundleEmployer {
  EmployerRecord record;
  SmtProof proof;
  bool operator==(const BundleEmployer&) const = default;
};

// A block after which the validator set changed: certified by the set in
// force, it names (by hash) the set that certifies the blocks after it.
struct ValidatorTransition {
  BlockHeader header;
  CommitCertificate certificate;
  std::vector<ValidatorRecord> next_validators;
  bool operator==(const ValidatorTransition&) const = default;
};

struct BundlePeriod {
  Date from;
  Date to;  // inclusive
  bool operator==(const BundlePeriod&) const = default;
};

struct Bundle {
  std::string chain_id;
  Hash32 genesis_hash{};
  SubjectId subject{};
  crypto::PublicKey audience{};  // the matcher it is addressed to
  std::uint64_t created_at = 0;  // unix seconds
  std::uint64_t expires_at = 0;  // unix seconds
  std::optional<BundlePeriod> period;  // set: claims every current entry of the period is here
  BlockHeader anchor;
  CommitCertificate anchor_certificate;
  std::vector<ValidatorTransition> transitions;  // in height order, all below the anchor
  SubjectRecord subject_record;
  SmtProof subject_proof;
  std::vector<BundleEmployer> employers;
  std::vector<BundleEntry> entries;
  crypto::Signature signature{};  // the subject's, over BundleSigningMessage
  bool operator==(const Bundle&) const = default;
};

// Whether a period bundle must show this entry of the subject's record
// (spec/bundle.md §5): a current (not superseded) career entry, not a
// dispute, effective in the period.
bool RequiredInPeriod(const SubjectEntryRef& ref, const BundlePeriod& period);

// What the subject signs: Text(chain_id) followed by the canonical encoding
// of every other field (spec/bundle.md §Signature). The tag is kBundleSignatureTag.
Bytes BundleSigningMessage(const Bundle& bundle);
void SignBundle(Bundle& bundle, const crypto::SigningKey& subject_key);
// SHA-256 of the signing message and the signature: names a bundle in receipts.
Hash32 BundleHash(const Bundle& bundle);

// The JSON document (spec/bundle.md §Format). Parsing is strict: sizes are
// bounded, unknown keys are errors, and every binary part must decode
// canonically. Error codes: json.*, bundle.*, and the decoders' own.
Result<Bundle> ParseBundle(std::string_view json_text);
Result<Bundle> BundleFromJson(const nlohmann::json& json);
nlohmann::json BundleToJson(const Bundle& bundle);
// One `validator_transitions` item; GET /v1/validator-transitions serves the
// same objects. `path` names the item in error messages.
Status ReadTransition(const nlohmann::json& json, const std::string& path, ValidatorTransition& out);
nlohmann::json TransitionToJson(const ValidatorTransition& transition);

}  // namespace jobcard::ledger
