// Stateless per-kind rules: what a transaction must look like before any
// state is consulted. Stateful rules live in ledger/execution.cpp.
#include <set>

#include "ledger/encoding.h"

#include "ledger/tx.h"

namespace jobcard::ledger {

namespace {

Error FormError(TxKind kind, const std::string& what) {
  return MakeError("tx.form", std::string(TxKindName(kind)) + ": " + what);
}

// How many references each entry kind takes: {min, max}.
std::pair<std::size_t, std::size_t> ReferenceBounds(TxKind kind) {
  switch (kind) {
    case TxKind::kSecondmentEnd:
    case TxKind::kSideJobEnd:
    case TxKind::kCorrection:
    case TxKind::kDispute:
      return {1, 1};
    default:
      return {0, 0};
  }
}

// Recipients the payload key is wrapped to, in order (spec/data-model.md).
std::size_t ExpectedRecipients(TxKind kind) {
  return (kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd) ? 3 : 2;
}

Status CheckEntry(TxKind kind, const CareerEntry& e) {
  auto [min_refs, max_refs] = ReferenceBounds(kind);
  if (e.references.size() < min_refs || e.references.size() > max_refs) {
    return FormError(kind, "takes " + std::to_string(min_refs) + (min_refs == max_refs ? "" : "-" + std::to_string(max_refs)) +
                               " reference(s), got " + std::to_string(e.references.size()));
  }
  std::set<EntryId> unique(e.references.begin(), e.references.end());
  if (unique.size() != e.references.size()) return FormError(kind, "a reference is listed twice");
  if (e.recorded_at == 0) return FormError(kind, "recorded_at is missing");
  if (e.payload.wrapped.size() != ExpectedRecipients(kind)) {
    return FormError(kind, "the payload key must be wrapped to " + std::to_string(ExpectedRecipients(kind)) +
                               " recipients, got " + std::to_string(e.payload.wrapped.size()));
  }
  if (e.payload.ciphertext.size() < crypto::kAeadTagSize) return FormError(kind, "the ciphertext is shorter than its tag");
  // Fields a kind does not carry must stay empty, so that the in-memory value
  // and its encoding are one-to-one.
  const bool secondment = kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd;
  if (!secondment && e.host_employer != CorporateNumber{}) return FormError(kind, "host_employer is only for secondments");
  if (kind != TxKind::kSecondmentStart && e.expected_end != Date{}) {
    return FormError(kind, "expected_end is only for secondment_start");
  }
  if (kind != TxKind::kCorrection && kind != TxKind::kDispute && e.reason != 0) {
    return FormError(kind, "reason is only for corrections and disputes");
  }
  if (secondment) {
    if (e.host_employer == e.employer) return FormError(kind, "the host employer must differ from the home employer");
  }
  if (kind == TxKind::kSecondmentStart && e.expected_end < e.effective_date) {
    return FormError(kind, "expected_end is before the effective date");
  }
  if (kind == TxKind::kCorrection && (e.reason < 1 || e.reason > kMaxCorrectionReason)) {
    return FormError(kind, "unknown correction reason " + std::to_string(e.reason));
  }
  if (kind == TxKind::kDispute && (e.reason < 1 || e.reason > kMaxDisputeReason)) {
    return FormError(kind, "unknown dispute reason " + std::to_string(e.reason));
  }
  return Status::Ok();
}

bool Valid(const CorporateNumber& c) { return CorporateNumber::Parse(c.str()).ok(); }
bool Valid(const Date& d) { return Date::Make(d.year, d.month, d.day).ok(); }

// Every identifier, date and text in the body must be one the decoder
// accepts, so that whatever passes here encodes to bytes that decode.
struct WellFormed {
  TxKind kind;
  Status Corp(const CorporateNumber& c, const char* field) const {
    return Valid(c) ? Status::Ok() : FormError(kind, std::string(field) + " is not a valid corporate number");
  }
  Status Day(const Date& d, const char* field) const {
    return Valid(d) ? Status::Ok() : FormError(kind, std::string(field) + " is not a calendar date");
  }
  Status Name(const std::string& text) const {
    Status s = ValidateText(text, "name");
    return s.ok() ? s : FormError(kind, s.error().message);
  }
  Status operator()(const CareerEntry& e) const {
    JOBCARD_TRY_STATUS(Corp(e.employer, "employer"));
    JOBCARD_TRY_STATUS(Day(e.effective_date, "effective_date"));
    if (kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd) JOBCARD_TRY_STATUS(Corp(e.host_employer, "host_employer"));
    if (kind == TxKind::kSecondmentStart) JOBCARD_TRY_STATUS(Day(e.expected_end, "expected_end"));
    return Status::Ok();
  }
  Status operator()(const Headcount& h) const {
    JOBCARD_TRY_STATUS(Corp(h.employer, "employer"));
    return Day(h.as_of, "as_of");
  }
  Status operator()(const RegisterEmployer& g) const {
    JOBCARD_TRY_STATUS(Corp(g.employer, "employer"));
    return Name(g.name);
  }
  Status operator()(const SetEmployerStatus& g) const { return Corp(g.employer, "employer"); }
  Status operator()(const AddEmployerKey& g) const { return Corp(g.employer, "employer"); }
  Status operator()(const RotateEmployerKey& g) const { return Corp(g.employer, "employer"); }
  Status operator()(const RevokeEmployerKey& g) const { return Corp(g.employer, "employer"); }
  Status operator()(const AddValidator& g) const { return Name(g.name); }
  Status operator()(const RemoveValidator&) const { return Status::Ok(); }
  Status operator()(const EnrollSubject&) const { return Status::Ok(); }
  Status operator()(const RecoverSubjectKey&) const { return Status::Ok(); }
  Status operator()(const RegisterMatcher& g) const { return Name(g.name); }
  Status operator()(const Succession& g) const {
    JOBCARD_TRY_STATUS(Corp(g.predecessor, "predecessor"));
    JOBCARD_TRY_STATUS(Corp(g.successor, "successor"));
    return Day(g.effective_date, "effective_date");
  }
};

template <typename T>
bool Holds(const Tx& tx) {
  return std::holds_alternative<T>(tx.body);
}

bool BodyMatchesKind(const Tx& tx) {
  if (IsCareerEntry(tx.kind)) return Holds<CareerEntry>(tx);
  switch (tx.kind) {
    case TxKind::kHeadcount: return Holds<Headcount>(tx);
    case TxKind::kRegisterEmployer: return Holds<RegisterEmployer>(tx);
    case TxKind::kSetEmployerStatus: return Holds<SetEmployerStatus>(tx);
    case TxKind::kAddEmployerKey: return Holds<AddEmployerKey>(tx);
    case TxKind::kRotateEmployerKey: return Holds<RotateEmployerKey>(tx);
    case TxKind::kRevokeEmployerKey: return Holds<RevokeEmployerKey>(tx);
    case TxKind::kAddValidator: return Holds<AddValidator>(tx);
    case TxKind::kRemoveValidator: return Holds<RemoveValidator>(tx);
    case TxKind::kEnrollSubject: return Holds<EnrollSubject>(tx);
    case TxKind::kRecoverSubjectKey: return Holds<RecoverSubjectKey>(tx);
    case TxKind::kRegisterMatcher: return Holds<RegisterMatcher>(tx);
    case TxKind::kSuccession: return Holds<Succession>(tx);
    default: return false;
  }
}

}  // namespace

Status CheckTxForm(const Tx& tx) {
  if (!BodyMatchesKind(tx)) return FormError(tx.kind, "the body does not match the kind");
  if (tx.signatures.size() > kMaxSignatures) return FormError(tx.kind, "too many signatures");
  JOBCARD_TRY_STATUS(std::visit(WellFormed{tx.kind}, tx.body));
  if (const auto* e = std::get_if<CareerEntry>(&tx.body)) return CheckEntry(tx.kind, *e);
  if (const auto* h = std::get_if<Headcount>(&tx.body)) {
    if (h->recorded_at == 0) return FormError(tx.kind, "recorded_at is missing");
  }
  if (const auto* g = std::get_if<RegisterEmployer>(&tx.body)) {
    if (g->name.empty() || g->name.size() > kMaxNameBytes) return FormError(tx.kind, "the employer name must be 1-256 bytes");
  }
  if (const auto* g = std::get_if<RotateEmployerKey>(&tx.body)) {
    if (g->old_key == g->new_key) return FormError(tx.kind, "the new key equals the old key");
  }
  if (const auto* g = std::get_if<AddValidator>(&tx.body)) {
    if (g->power < 1 || g->power > kMaxValidatorPower) {
      return FormError(tx.kind, "voting power must be 1-" + std::to_string(kMaxValidatorPower));
    }
    if (g->name.size() > kMaxNameBytes) return FormError(tx.kind, "the validator name is too long");
  }
  if (const auto* g = std::get_if<RegisterMatcher>(&tx.body)) {
    if (g->name.empty() || g->name.size() > kMaxNameBytes) return FormError(tx.kind, "the matcher name must be 1-256 bytes");
  }
  if (const auto* g = std::get_if<Succession>(&tx.body)) {
    if (g->predecessor == g->successor) return FormError(tx.kind, "an employer cannot succeed itself");
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
