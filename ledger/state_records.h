// The ledger state: one record type per kind of thing the ledger knows.
// Each record has a canonical encoding; the subject and employer records'
// hashes are the values of the authenticated state index (spec/state-index.md),
// so a verifier who is shown a record and its proof learns exactly what the
// ledger says about that subject or employer at that height.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "ledger/identifiers.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

inline constexpr std::size_t kMaxEmployerKeys = 64;
inline constexpr std::size_t kMaxSubjectEntries = 1024;

struct EmployerKeyRecord {
  crypto::PublicKey key{};
  std::uint64_t added_height = 0;
  std::uint64_t revoked_from_height = 0;  // 0: not revoked
  bool ActiveAt(std::uint64_t height) const {
    return height >= added_height && (revoked_from_height == 0 || height < revoked_from_height);
  }
  bool operator==(const EmployerKeyRecord&) const = default;
};

struct EmployerRecord {
  CorporateNumber id;
  std::string name;
  EmployerStatus status = EmployerStatus::kActive;
  std::vector<EmployerKeyRecord> keys;
  CorporateNumber successor;  // empty unless a succession passed this employer's records on
  std::uint64_t registered_height = 0;
  const EmployerKeyRecord* FindKey(const crypto::PublicKey& key) const;
  bool operator==(const EmployerRecord&) const = default;
};

// One line of a subject's history as the state index commits to it.
struct SubjectEntryRef {
  EntryId id{};
  TxKind kind = TxKind::kHire;
  CorporateNumber employer;
  Date effective_date;
  std::uint64_t height = 0;
  bool superseded = false;  // a correction replaced it
  bool disputed = false;    // the subject contests it
  bool operator==(const SubjectEntryRef&) const = default;
};

struct SubjectRecord {
  SubjectId id{};
  crypto::PublicKey key{};
  std::uint64_t enrolled_height = 0;
  std::vector<SubjectEntryRef> entries;  // in commit order
  bool operator==(const SubjectRecord&) const = default;
};

// Per-entry facts validation needs to follow references.
struct EntryRecord {
  EntryId id{};
  TxKind kind = TxKind::kHire;
  CorporateNumber employer;
  SubjectId subject{};
  CorporateNumber host_employer;
  Date effective_date;
  Date expected_end;
  std::uint64_t recorded_at = 0;
  std::uint64_t height = 0;
  std::uint64_t log_index = 0;
  EntryId closed_by{};      // secondment_start/side_job_start: the entry that ended it
  EntryId superseded_by{};  // the correction that replaced it
  std::uint32_t dispute_count = 0;
  bool operator==(const EntryRecord&) const = default;
};

// The record an entry's own transaction makes: kind, parties, dates and where
// it was committed. Later entries only ever add marks to it (IsMarked).
EntryRecord EntryRecordOf(TxKind kind, const CareerEntry& e, const EntryId& id, std::uint64_t height, std::uint64_t log_index);
// Whether a later entry closed, superseded or disputed the entry. The store
// keeps a row only for a marked record (format 7, spec/storage.md); any
// other is EntryRecordOf its transaction.
bool IsMarked(const EntryRecord& r);

struct ValidatorRecord {
  crypto::PublicKey key{};
  std::uint64_t power = 1;
  std::string name;
  bool operator==(const ValidatorRecord&) const = default;
};

struct MatcherRecord {
  crypto::PublicKey key{};
  std::string name;
  std::uint64_t registered_height = 0;
  bool operator==(const MatcherRecord&) const = default;
};

struct HeadcountRecord {
  CorporateNumber employer;
  Date as_of;
  std::uint32_t active_employees = 0;
  EntryId id{};
  std::uint64_t height = 0;
  bool operator==(const HeadcountRecord&) const = default;
};

// Where a committed transaction lives.
struct TxLocation {
  std::uint64_t height = 0;
  std::uint32_t index_in_block = 0;
  std::uint64_t log_index = 0;
  bool operator==(const TxLocation&) const = default;
};

Bytes EncodeEmployer(const EmployerRecord& r);
Result<EmployerRecord> DecodeEmployer(ByteView bytes);
Bytes EncodeSubject(const SubjectRecord& r);
Result<SubjectRecord> DecodeSubject(ByteView bytes);
Bytes EncodeEntry(const EntryRecord& r);
Result<EntryRecord> DecodeEntry(ByteView bytes);
Bytes EncodeValidators(const std::vector<ValidatorRecord>& set);
Result<std::vector<ValidatorRecord>> DecodeValidators(ByteView bytes);
Bytes EncodeMatcher(const MatcherRecord& r);
Result<MatcherRecord> DecodeMatcher(ByteView bytes);
Bytes EncodeHeadcount(const HeadcountRecord& r);
Result<HeadcountRecord> DecodeHeadcount(ByteView bytes);
// A txs row is EncodeTxLocation (fixed size) followed by the encoded tx.
inline constexpr std::size_t kTxLocationBytes = 8 + 4 + 8;
Bytes EncodeTxLocation(const TxLocation& r);
Result<TxLocation> DecodeTxLocation(ByteView bytes);

// State-index keys and values (spec/state-index.md).
Hash32 SubjectStateKey(const SubjectId& id);
Hash32 EmployerStateKey(const CorporateNumber& id);
Hash32 SubjectStateValue(const SubjectRecord& r);
Hash32 EmployerStateValue(const EmployerRecord& r);
Hash32 ValidatorSetHash(const std::vector<ValidatorRecord>& set);

}  // namespace jobcard::ledger
