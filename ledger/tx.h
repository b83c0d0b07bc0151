// Transactions: every kind of signed record the ledger accepts.
//
// A transaction is a body (version, kind, nonce, kind-specific fields) plus
// signatures. What is signed, and what the id hashes, is the *signing
// message*:
//
//     DomainPrefix("jobcard.v1." + kind name) || Text(chain_id) || body
//
// so a signature for one kind or one chain can never be replayed as another.
// The id is SHA-256 of that message; it never covers the signatures, so
// adding a co-signature does not change the id. Signatures are listed in
// strictly increasing public-key order, which makes the encoding canonical.
// spec/encoding.md is the normative description; spec/data-model.md says
// what each kind means and how it is validated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "crypto/envelope.h"
#include "crypto/sign.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

inline constexpr std::uint8_t kTxVersion = 1;

enum class TxKind : std::uint8_t {
  // Career entries (ジョブ・カード記載事項), signed by the employer's active key.
  kHire = 1,             // 雇入れ
  kPositionChange = 2,   // 昇進・異動 (title, grade, department)
  kRoleChange = 3,       // 職務変更 (duties)
  kSecondmentStart = 4,  // 在籍出向 開始: co-signed by the host employer
  kSecondmentEnd = 5,    // 在籍出向 終了: co-signed by the host employer
  kSideJobStart = 6,     // 兼業・副業 開始
  kSideJobEnd = 7,       // 兼業・副業 終了
  kSeparation = 8,       // 退職
  kCorrection = 9,       // 訂正: supersedes an earlier entry of the same employer
  // Signed by the subject (the worker).
  kDispute = 16,  // 異議: contests an entry
  // Employer declarations.
  kHeadcount = 24,  // 在籍者数の届出
  // Governance, signed by m-of-n registrar keys.
  kRegisterEmployer = 32,
  kSetEmployerStatus = 33,
  kAddEmployerKey = 34,
  kRotateEmployerKey = 35,
  kRevokeEmployerKey = 36,
  kAddValidator = 37,
  kRemoveValidator = 38,
  kEnrollSubject = 39,
  kRecoverSubjectKey = 40,
  kRegisterMatcher = 41,
  kSuccession = 42,  // 事業承継: a merged or closed employer's records pass to a successor
};

std::string_view TxKindName(TxKind kind);  // "hire", "position_change", ...
std::optional<TxKind> TxKindFromName(std::string_view name);
std::optional<TxKind> TxKindFromByte(std::uint8_t byte);
bool IsCareerEntry(TxKind kind);  // hire..correction and dispute
bool IsGovernance(TxKind kind);
std::string KindTag(TxKind kind);  // "jobcard.v1.<name>"

// Limits (spec/encoding.md §Limits).
inline constexpr std::size_t kMaxChainIdBytes = 64;
inline constexpr std::size_t kMaxReferences = 4;
inline constexpr std::size_t kMaxWrappedKeys = 4;
inline constexpr std::size_t kMaxCiphertextBytes = 8192 + crypto::kAeadTagSize;
inline constexpr std::size_t kMaxSignatures = 16;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxTxBytes = 16 * 1024;
inline constexpr std::uint64_t kMaxValidatorPower = 1000000;

enum class CorrectionReason : std::uint8_t {
  kClerical = 1,       // 記載誤り
  kWrongDate = 2,
  kWrongSubject = 3,
  kWrongKind = 4,
  kRetraction = 5,     // the entry should not exist at all
  kOther = 6,
};
enum class DisputeReason : std::uint8_t {
  kInaccurate = 1,
  kNeverHappened = 2,
  kWrongDates = 3,
  kOther = 4,
};
inline constexpr std::uint8_t kMaxCorrectionReason = 6;
inline constexpr std::uint8_t kMaxDisputeReason = 4;

// Career entries and disputes share one shape; which optional parts are
// present is fixed by the kind, never by a flag (see spec/encoding.md).
struct CareerEntry {
  CorporateNumber employer;   // the recording employer (for a dispute: the disputed entry's)
  SubjectId subject{};
  Date effective_date;
  std::uint64_t recorded_at = 0;  // unix seconds, as the signer's clock says
  std::vector<EntryId> references;
  Hash32 commitment{};            // ledger/payload.h
  crypto::EncryptedPayload payload;  // wrapped to [subject, employer, (host)]
  // secondment_start / secondment_end only:
  CorporateNumber host_employer;
  // secondment_start only: when the secondment is expected to end.
  Date expected_end;
  // correction: CorrectionReason; dispute: DisputeReason; otherwise absent.
  std::uint8_t reason = 0;
  bool operator==(const CareerEntry&) const;
};

struct Headcount {
  CorporateNumber employer;
  Date as_of;
  std::uint32_t active_employees = 0;
  std::uint64_t recorded_at = 0;
  bool operator==(const Headcount&) const = default;
};

enum class EmployerStatus : std::uint8_t { kActive = 1, kSuspended = 2, kClosed = 3 };

struct RegisterEmployer {
  CorporateNumber employer;
  std::string name;  // the registered trade name: public information for a 法人
  crypto::PublicKey key{};
  bool operator==(const RegisterEmployer&) const = default;
};
struct SetEmployerStatus {
  CorporateNumber employer;
  EmployerStatus status = EmployerStatus::kActive;
  bool operator==(const SetEmployerStatus&) const = default;
};
struct AddEmployerKey {
  CorporateNumber employer;
  crypto::PublicKey key{};
  bool operator==(const AddEmployerKey&) const = default;
};
// Adds new_key and revokes old_key from the height this commits at.
struct RotateEmployerKey {
  CorporateNumber employer;
  crypto::PublicKey old_key{};
  crypto::PublicKey new_key{};
  bool operator==(const RotateEmployerKey&) const = default;
};
// Signatures by `key` at heights >= effective_height are invalid; entries it
// signed before stay valid. effective_height may be in the past (a stolen key
// discovered late) but never below the key's own registration.
struct RevokeEmployerKey {
  CorporateNumber employer;
  crypto::PublicKey key{};
  std::uint64_t effective_height = 0;
  bool operator==(const RevokeEmployerKey&) const = default;
};
struct AddValidator {
  crypto::PublicKey key{};
  std::uint64_t power = 1;
  std::string name;  // operator, e.g. a regional bank
  bool operator==(const AddValidator&) const = default;
};
struct RemoveValidator {
  crypto::PublicKey key{};
  bool operator==(const RemoveValidator&) const = default;
};
struct EnrollSubject {
  SubjectId subject{};
  crypto::PublicKey key{};  // the worker's key: signs disputes and bundles, opens payloads
  bool operator==(const EnrollSubject&) const = default;
};
struct RecoverSubjectKey {
  SubjectId subject{};
  crypto::PublicKey new_key{};
  bool operator==(const RecoverSubjectKey&) const = default;
};
struct RegisterMatcher {
  crypto::PublicKey key{};
  std::string name;
  bool operator==(const RegisterMatcher&) const = default;
};
struct Succession {
  CorporateNumber predecessor;
  CorporateNumber successor;
  Date effective_date;
  bool operator==(const Succession&) const = default;
};

using TxBody = std::variant<CareerEntry, Headcount, RegisterEmployer, SetEmployerStatus, AddEmployerKey,
                            RotateEmployerKey, RevokeEmployerKey, AddValidator, RemoveValidator,
                            EnrollSubject, RecoverSubjectKey, RegisterMatcher, Succession>;

struct TxSignature {
  crypto::PublicKey signer{};
  crypto::Signature signature{};
  bool operator==(const TxSignature&) const = default;
};

struct Tx {
  TxKind kind = TxKind::kHire;
  std::uint64_t nonce = 0;  // makes otherwise identical transactions distinct
  TxBody body;
  std::vector<TxSignature> signatures;  // strictly increasing by signer
  bool operator==(const Tx&) const = default;
};

// Encoding (spec/encoding.md).
Bytes EncodeTxBody(const Tx& tx);
Bytes EncodeTx(const Tx& tx);
// Rejects unknown kinds and versions, oversize fields, bodies that do not
// match the kind, unsorted or duplicate signers, and trailing bytes.
Result<Tx> DecodeTx(ByteView bytes);

Bytes SigningMessage(std::string_view chain_id, const Tx& tx);  // without the domain prefix
EntryId TxId(std::string_view chain_id, const Tx& tx);

// Signs and inserts the signature at its sorted place (replacing one by the same key).
void SignTx(Tx& tx, std::string_view chain_id, const crypto::SigningKey& key);
// Checks every signature in the list against the message; does not decide
// *who* must sign (that is validation, which knows the state).
Status VerifyTxSignatures(const Tx& tx, std::string_view chain_id);

// Kind/body agreement and per-kind field rules that need no state.
Status CheckTxForm(const Tx& tx);

// The associated data binding an entry's ciphertext to its clear header.
Bytes PayloadAssociatedData(TxKind kind, const CareerEntry& entry);

}  // namespace jobcard::ledger
