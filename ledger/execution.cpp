#include "ledger/execution.h"
#include "ledger/prechecked_validation.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace jobcard::ledger {

namespace {

Error Reject(const std::string& code, const std::string& message) { return MakeError("validation." + code, message); }

std::string ShortKey(const crypto::PublicKey& k) { return ToHex(k).substr(0, 16) + "…"; }

// True when `acting` may act on records of `owner`: itself, or a successor
// of it (a succession passes records on; chains are followed a few steps).
bool ActsFor(const StateView& state, const CorporateNumber& owner, const CorporateNumber& acting) {
  CorporateNumber current = owner;
  for (int step = 0; step < 8; ++step) {
    if (current == acting) return true;
    auto rec = state.GetEmployer(current);
    if (!rec || rec->successor == CorporateNumber{}) return false;
    current = rec->successor;
  }
  return false;
}

// An active employer with a key active at this height among the signers.
Status CheckEmployerSigned(const StateView& state, const Tx& tx, const CorporateNumber& employer_id,
                           const TxContext& ctx, std::set<crypto::PublicKey>& used, const char* role) {
  auto employer = state.GetEmployer(employer_id);
  if (!employer) {
    return Reject(std::string(role) == "the host" ? "host_not_active" : "unknown_employer",
                  std::string(role) + " employer " + employer_id.str() + " is not registered");
  }
  if (employer->status != EmployerStatus::kActive) {
    return Reject(std::string(role) == "the host" ? "host_not_active" : "employer_not_active",
                  std::string(role) + " employer " + employer_id.str() + " is suspended or closed");
  }
  for (const auto& sig : tx.signatures) {
    const EmployerKeyRecord* key = employer->FindKey(sig.signer);
    if (key == nullptr) continue;
    if (!key->ActiveAt(ctx.height)) {
      return Reject("key_not_active", "key " + ShortKey(sig.signer) + " of employer " + employer_id.str() +
                                       " is not active at height " + std::to_string(ctx.height));
    }
    used.insert(sig.signer);
    return Status::Ok();
  }
  return Reject("missing_signature", "no signature by an active key of " + std::string(role) + " employer " + employer_id.str());
}

Status CheckOnlyExpectedSigners(const Tx& tx, const std::set<crypto::PublicKey>& used) {
  for (const auto& sig : tx.signatures) {
    if (!used.count(sig.signer)) return Reject("unexpected_signer", "key " + ShortKey(sig.signer) + " has no role in this transaction");
  }
  return Status::Ok();
}

Status CheckRecordedAt(std::uint64_t recorded_at, const TxContext& ctx) {
  const std::uint64_t limit_ms = ctx.block_time_ms + ctx.genesis.params.max_clock_skew_seconds * 1000ull;
  if (recorded_at > limit_ms / 1000) {
    return Reject("recorded_at_in_future", "recorded_at is ahead of the block time by more than " +
                                            std::to_string(ctx.genesis.params.max_clock_skew_seconds) + " s");
  }
  return Status::Ok();
}

// One day of skew absorbs the UTC date of a JST morning.
Status CheckEffectiveDate(const Date& effective, std::uint64_t recorded_at) {
  if (effective.DaysSinceEpoch() > Date::FromUnixSeconds(recorded_at).DaysSinceEpoch() + 1) {
    return Reject("effective_date_in_future", "the effective date is after the date it was recorded");
  }
  return Status::Ok();
}

Status CheckRegistrarQuorum(const Tx& tx, const TxContext& ctx) {
  const auto& keys = ctx.genesis.registrar_keys;
  for (const auto& sig : tx.signatures) {
    if (std::find(keys.begin(), keys.end(), sig.signer) == keys.end()) {
      return Reject("unexpected_signer", "key " + ShortKey(sig.signer) + " is not a registrar key");
    }
  }
  if (tx.signatures.size() < ctx.genesis.registrar_threshold) {
    return Reject("governance_quorum", "governance needs " + std::to_string(ctx.genesis.registrar_threshold) +
                                          " registrar signatures, got " + std::to_string(tx.signatures.size()));
  }
  return Status::Ok();
}

Status CheckReference(const StateView& state, const Tx& tx, const CareerEntry& e) {
  if (e.references.empty()) return Status::Ok();
  auto target = state.GetEntry(e.references[0]);
  if (!target) return Reject("reference_not_found", "the referenced entry " + ToHex(e.references[0]).substr(0, 16) + "… does not exist");
  if (target->subject != e.subject) return Reject("reference_mismatch", "the referenced entry is about another subject");
  switch (tx.kind) {
    case TxKind::kCorrection:
      if (target->kind == TxKind::kDispute) return Reject("correction_of_dispute", "a dispute cannot be corrected by the employer");
      if (!ActsFor(state, target->employer, e.employer)) {
        return Reject("reference_mismatch", "an employer may only correct its own entries (or a predecessor's)");
      }
      if (target->superseded_by != EntryId{}) return Reject("already_superseded", "the referenced entry was already corrected");
      return Status::Ok();
    case TxKind::kSecondmentEnd:
      if (target->kind != TxKind::kSecondmentStart) return Reject("reference_kind", "secondment_end must reference a secondment_start");
      if (!ActsFor(state, target->employer, e.employer) || target->host_employer != e.host_employer) {
        return Reject("reference_mismatch", "secondment_end must name the same home and host employers as its start");
      }
      if (target->closed_by != EntryId{}) return Reject("secondment_not_open", "that secondment has already ended");
      return Status::Ok();
    case TxKind::kSideJobEnd:
      if (target->kind != TxKind::kSideJobStart) return Reject("reference_kind", "side_job_end must reference a side_job_start");
      if (!ActsFor(state, target->employer, e.employer)) return Reject("reference_mismatch", "side_job_end must come from the same employer");
      if (target->closed_by != EntryId{}) return Reject("side_job_not_open", "that side job has already ended");
      return Status::Ok();
    case TxKind::kDispute:
      if (target->kind == TxKind::kDispute) return Reject("dispute_of_dispute", "a dispute cannot contest another dispute");
      if (target->employer != e.employer) return Reject("reference_mismatch", "the dispute must name the disputed entry's employer");
      return Status::Ok();
    default:
      return Reject("reference_mismatch", "this kind takes no references");
  }
}

Status ValidateCareerEntry(const StateView& state, const Tx& tx, const CareerEntry& e, const TxContext& ctx) {
  auto subject = state.GetSubject(e.subject);
  if (!subject) return Reject("subject_not_enrolled", "the subject is not enrolled");
  if (subject->entries.size() >= kMaxSubjectEntries) return Reject("subject_full", "the subject's history is full");
  std::set<crypto::PublicKey> used;
  if (tx.kind == TxKind::kDispute) {
    for (const auto& sig : tx.signatures) {
      if (sig.signer == subject->key) used.insert(sig.signer);
    }
    if (used.empty()) return Reject("missing_signature", "a dispute must be signed by the subject's current key");
  } else {
    JOBCARD_TRY_STATUS(CheckEmployerSigned(state, tx, e.employer, ctx, used, "the"));
    if (tx.kind == TxKind::kSecondmentStart || tx.kind == TxKind::kSecondmentEnd) {
      JOBCARD_TRY_STATUS(CheckEmployerSigned(state, tx, e.host_employer, ctx, used, "the host"));
    }
  }
  JOBCARD_TRY_STATUS(CheckOnlyExpectedSigners(tx, used));
  JOBCARD_TRY_STATUS(CheckRecordedAt(e.recorded_at, ctx));
  JOBCARD_TRY_STATUS(CheckEffectiveDate(e.effective_date, e.recorded_at));
  return CheckReference(state, tx, e);
}

// The public key a governance body introduces, if any (rule S3).
std::optional<crypto::PublicKey> IntroducedKey(const TxBody& body) {
  if (const auto* g = std::get_if<RegisterEmployer>(&body)) return g->key;
  if (const auto* g = std::get_if<AddEmployerKey>(&body)) return g->key;
  if (const auto* g = std::get_if<RotateEmployerKey>(&body)) return g->new_key;
  if (const auto* g = std::get_if<AddValidator>(&body)) return g->key;
  if (const auto* g = std::get_if<EnrollSubject>(&body)) return g->key;
  if (const auto* g = std::get_if<RecoverSubjectKey>(&body)) return g->new_key;
  if (const auto* g = std::get_if<RegisterMatcher>(&body)) return g->key;
  return std::nullopt;
}

Status ValidateGovernance(const StateView& state, const Tx& tx, const TxContext& ctx, bool introduced_key_checked) {
  JOBCARD_TRY_STATUS(CheckRegistrarQuorum(tx, ctx));
  if (!introduced_key_checked) JOBCARD_TRY_STATUS(CheckIntroducedKey(tx));
  auto key_free = [&](const crypto::PublicKey& key) -> Status {
    if (state.GetKeyOwner(key)) return Reject("key_in_use", "key " + ShortKey(key) + " already belongs to an employer");
    return Status::Ok();
  };
  auto employer = [&](const CorporateNumber& id) -> Result<EmployerRecord> {
    auto rec = state.GetEmployer(id);
    if (!rec) return Reject("unknown_employer", "employer " + id.str() + " is not registered");
    return *rec;
  };
  const TxBody& body = tx.body;
  if (const auto* g = std::get_if<RegisterEmployer>(&body)) {
    if (state.GetEmployer(g->employer)) return Reject("employer_exists", "employer " + g->employer.str() + " is already registered");
    return key_free(g->key);
  }
  if (const auto* g = std::get_if<SetEmployerStatus>(&body)) {
    auto rec = employer(g->employer);
    if (!rec.ok()) return rec.error();
    if (rec->status == EmployerStatus::kClosed) return Reject("employer_closed", "employer " + g->employer.str() + " is closed; closing is final");
    if (rec->status == g->status) return Reject("status_unchanged", "the employer already has that status");
    return Status::Ok();
  }
  if (const auto* g = std::get_if<AddEmployerKey>(&body)) {
    auto rec = employer(g->employer);
    if (!rec.ok()) return rec.error();
    if (rec->status == EmployerStatus::kClosed) return Reject("employer_closed", "employer " + g->employer.str() + " is closed");
    if (rec->keys.size() >= kMaxEmployerKeys) return Reject("too_many_keys", "the employer has too many keys");
    return key_free(g->key);
  }
  if (const auto* g = std::get_if<RotateEmployerKey>(&body)) {
    auto rec = employer(g->employer);
    if (!rec.ok()) return rec.error();
    const EmployerKeyRecord* old_key = rec->FindKey(g->old_key);
    if (rec->status == EmployerStatus::kClosed) return Reject("employer_closed", "employer " + g->employer.str() + " is closed");
    if (!old_key || !old_key->ActiveAt(ctx.height)) return Reject("key_not_active", "the old key is not an active key of this employer");
    if (rec->keys.size() >= kMaxEmployerKeys) return Reject("too_many_keys", "the employer has too many keys");
    return key_free(g->new_key);
  }
  if (const auto* g = std::get_if<RevokeEmployerKey>(&body)) {
    auto rec = employer(g->employer);
    if (!rec.ok()) return rec.error();
    const EmployerKeyRecord* key = rec->FindKey(g->key);
    if (!key) return Reject("unknown_key", "the key does not belong to this employer");
    if (g->effective_height < key->added_height) return Reject("revoke_before_added", "a key cannot be revoked before it was added");
    if (key->revoked_from_height != 0 && key->revoked_from_height <= g->effective_height) {
      return Reject("already_revoked", "the key is already revoked from an earlier height");
    }
    return Status::Ok();
  }
  if (const auto* g = std::get_if<AddValidator>(&body)) {
    auto set = state.GetValidators();
    for (const auto& v : set) {
      if (v.key == g->key) return Reject("validator_exists", "the validator is already in the set");
    }
    if (set.size() >= kMaxValidators) return Reject("too_many_validators", "the validator set is full");
    return Status::Ok();
  }
  if (const auto* g = std::get_if<RemoveValidator>(&body)) {
    auto set = state.GetValidators();
    bool found = std::any_of(set.begin(), set.end(), [&](const ValidatorRecord& v) { return v.key == g->key; });
    if (!found) return Reject("unknown_validator", "the validator is not in the set");
    if (set.size() == 1) return Reject("last_validator", "the last validator cannot be removed");
    return Status::Ok();
  }
  // G15: a key is the current key of one subject at most, so that a key
  // names whom it speaks for (disputes) and whom payloads are encrypted to.
  auto subject_key_free = [&](const crypto::PublicKey& key) -> Status {
    if (state.GetSubjectByKey(key)) return Reject("key_in_use", "key " + ShortKey(key) + " is already the key of another subject");
    return Status::Ok();
  };
  if (const auto* g = std::get_if<EnrollSubject>(&body)) {
    if (state.GetSubject(g->subject)) return Reject("subject_exists", "the subject is already enrolled");
    return subject_key_free(g->key);
  }
  if (const auto* g = std::get_if<RecoverSubjectKey>(&body)) {
    auto rec = state.GetSubject(g->subject);
    if (!rec) return Reject("subject_not_enrolled", "the subject is not enrolled");
    if (rec->key == g->new_key) return Reject("key_in_use", "the new key equals the current key");
    return subject_key_free(g->new_key);
  }
  if (const auto* g = std::get_if<RegisterMatcher>(&body)) {
    if (state.GetMatcher(g->key)) return Reject("matcher_exists", "the matcher is already registered");
    return Status::Ok();
  }
  if (const auto* g = std::get_if<Succession>(&body)) {
    auto pred = employer(g->predecessor);
    if (!pred.ok()) return pred.error();
    auto succ = employer(g->successor);
    if (!succ.ok()) return succ.error();
    if (pred->successor != CorporateNumber{}) return Reject("already_succeeded", "the predecessor already has a successor");
    if (pred->status == EmployerStatus::kClosed || succ->status == EmployerStatus::kClosed) {
      return Reject("employer_closed", "neither employer of a succession may be closed");
    }
    if (ActsFor(state, g->successor, g->predecessor)) return Reject("succession_cycle", "the succession would form a cycle");
    return Status::Ok();
  }
  return Reject("unknown_kind", "no rule for this kind");
}

SubjectEntryRef* FindRef(SubjectRecord& subject, const EntryId& id) {
  for (auto& ref : subject.entries) {
    if (ref.id == id) return &ref;
  }
  return nullptr;
}

void ApplyCareerEntry(StateOverlay& state, const Tx& tx, const CareerEntry& e, const EntryId& id,
                      std::uint64_t log_index, const TxContext& ctx) {
  StateDelta& d = state.delta();
  d.entries[id] = EntryRecordOf(tx.kind, e, id, ctx.height, log_index);

  SubjectRecord subject = *state.GetSubject(e.subject);
  subject.entries.push_back(SubjectEntryRef{id, tx.kind, e.employer, e.effective_date, ctx.height, false, false});
  if (!e.references.empty()) {
    EntryRecord target = *state.GetEntry(e.references[0]);
    SubjectEntryRef* ref = FindRef(subject, target.id);
    switch (tx.kind) {
      case TxKind::kCorrection:
        target.superseded_by = id;
        if (ref) ref->superseded = true;
        break;
      case TxKind::kDispute:
        target.dispute_count += 1;
        if (ref) ref->disputed = true;
        break;
      default:  // the two *_end kinds
        target.closed_by = id;
        break;
    }
    d.entries[target.id] = target;
  }
  d.subjects[e.subject] = std::move(subject);
}

// Applies one governance body; one overload per kind.
struct GovernanceApplier {
  StateOverlay& state;
  const TxContext& ctx;
  StateDelta& d;

  EmployerRecord Employer(const CorporateNumber& id) const { return *state.GetEmployer(id); }

  void operator()(const RegisterEmployer& g) const {
    d.employers[g.employer] = EmployerRecord{g.employer, g.name, EmployerStatus::kActive, {{g.key, ctx.height, 0}}, {}, ctx.height};
    d.key_owners[g.key] = g.employer;
  }
  void operator()(const SetEmployerStatus& g) const {
    EmployerRecord rec = Employer(g.employer);
    rec.status = g.status;
    d.employers[g.employer] = rec;
  }
  void operator()(const AddEmployerKey& g) const {
    EmployerRecord rec = Employer(g.employer);
    rec.keys.push_back({g.key, ctx.height, 0});
    d.employers[g.employer] = rec;
    d.key_owners[g.key] = g.employer;
  }
  void operator()(const RotateEmployerKey& g) const {
    EmployerRecord rec = Employer(g.employer);
    for (auto& k : rec.keys) {
      if (k.key == g.old_key) k.revoked_from_height = ctx.height;
    }
    rec.keys.push_back({g.new_key, ctx.height, 0});
    d.employers[g.employer] = rec;
    d.key_owners[g.new_key] = g.employer;
  }
  void operator()(const RevokeEmployerKey& g) const {
    EmployerRecord rec = Employer(g.employer);
    for (auto& k : rec.keys) {
      // Height 0 is genesis; "revoked from 0" would read as "not revoked".
      if (k.key == g.key) k.revoked_from_height = std::max<std::uint64_t>(g.effective_height, 1);
    }
    d.employers[g.employer] = rec;
  }
  void operator()(const AddValidator& g) const { ChangeValidators(g); }
  void operator()(const RemoveValidator& g) const { ChangeValidators(g); }
  void ChangeValidators(const TxBody& body) const {
    auto set = state.GetValidators();
    ApplyValidatorChange(set, body);
    d.validators = std::move(set);
  }
  void operator()(const EnrollSubject& g) const {
    d.subjects[g.subject] = SubjectRecord{g.subject, g.key, ctx.height, {}};
    d.subject_keys[g.key] = g.subject;
  }
  void operator()(const RecoverSubjectKey& g) const {
    SubjectRecord rec = *state.GetSubject(g.subject);
    d.subject_keys[rec.key] = std::nullopt;  // the old key is free again
    d.subject_keys[g.new_key] = g.subject;
    rec.key = g.new_key;
    d.subjects[g.subject] = rec;
  }
  void operator()(const RegisterMatcher& g) const { d.matchers[g.key] = MatcherRecord{g.key, g.name, ctx.height}; }
  void operator()(const Succession& g) const {
    EmployerRecord rec = Employer(g.predecessor);
    rec.successor = g.successor;
    rec.status = EmployerStatus::kClosed;
    d.employers[g.predecessor] = rec;
  }
  void operator()(const CareerEntry&) const {}
  void operator()(const Headcount&) const {}
};

}  // namespace

Status CheckIntroducedKey(const Tx& tx) {
  if (auto key = IntroducedKey(tx.body); key && !crypto::X25519PublicKeyOf(*key).ok()) {
    return Reject("bad_key", "key " + ShortKey(*key) + " is not a usable Ed25519 public key");
  }
  return Status::Ok();
}

namespace {

Status ValidateTxChecking(const StateView& state, const Tx& tx, const EntryId& id, const TxContext& ctx,
                          bool introduced_key_checked) {
  JOBCARD_TRY_STATUS(CheckTxForm(tx));
  if (state.GetTxLocation(id)) return Reject("duplicate_tx", "this transaction is already on the ledger");
  if (!ctx.skip_signature_check) JOBCARD_TRY_STATUS(VerifyTxSignatures(tx, ctx.genesis.chain_id));
  if (const auto* e = std::get_if<CareerEntry>(&tx.body)) return ValidateCareerEntry(state, tx, *e, ctx);
  if (const auto* h = std::get_if<Headcount>(&tx.body)) {
    std::set<crypto::PublicKey> used;
    JOBCARD_TRY_STATUS(CheckEmployerSigned(state, tx, h->employer, ctx, used, "the"));
    JOBCARD_TRY_STATUS(CheckOnlyExpectedSigners(tx, used));
    JOBCARD_TRY_STATUS(CheckRecordedAt(h->recorded_at, ctx));
    return CheckEffectiveDate(h->as_of, h->recorded_at);
  }
  return ValidateGovernance(state, tx, ctx, introduced_key_checked);
}

}  // namespace

Status ValidateTx(const StateView& state, const Tx& tx, const EntryId& id, const TxContext& ctx) {
  return ValidateTxChecking(state, tx, id, ctx, /*introduced_key_checked=*/false);
}

Status ValidateTxPrechecked(const StateView& state, const Tx& tx, const EntryId& id, const TxContext& ctx) {
  TxContext checked = ctx;
  checked.skip_signature_check = true;
  return ValidateTxChecking(state, tx, id, checked, /*introduced_key_checked=*/true);
}

void ApplyTx(StateOverlay& state, const Tx& tx, const EntryId& id, std::uint32_t index_in_block, const TxContext& ctx) {
  const std::uint64_t log_index = state.LogSize();
  if (const auto* e = std::get_if<CareerEntry>(&tx.body)) {
    ApplyCareerEntry(state, tx, *e, id, log_index, ctx);
  } else if (const auto* h = std::get_if<Headcount>(&tx.body)) {
    state.delta().headcounts.push_back(HeadcountRecord{h->employer, h->as_of, h->active_employees, id, ctx.height});
  } else {
    std::visit(GovernanceApplier{state, ctx, state.delta()}, tx.body);
  }
  state.delta().tx_locations[id] = TxLocation{ctx.height, index_in_block, log_index};
  state.delta().log_appends.push_back(id);
}

BlockExecution ExecuteTxs(const StateView& base, const std::vector<Tx>& txs, const TxContext& ctx,
                          std::span<const EntryId> known_ids) {
  // A wrong count is a caller's bug; ids that do not match their txs would
  // commit transactions under false ids.
  if (!known_ids.empty() && known_ids.size() != txs.size()) std::abort();
  StateOverlay overlay(base);
  BlockExecution out;
  out.outcomes.reserve(txs.size());
  std::uint32_t index = 0;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const Tx& tx = txs[i];
    const EntryId id = known_ids.empty() ? TxId(ctx.genesis.chain_id, tx) : known_ids[i];
    Status status = ValidateTx(overlay, tx, id, ctx);
    if (status.ok()) {
      ApplyTx(overlay, tx, id, index++, ctx);
      ++out.accepted;
    }
    out.outcomes.push_back(TxOutcome{id, status});
  }
  out.delta = std::move(overlay.delta());
  return out;
}

void ApplyValidatorChange(std::vector<ValidatorRecord>& set, const TxBody& body) {
  if (const auto* add = std::get_if<AddValidator>(&body)) set.push_back({add->key, add->power, add->name});
  if (const auto* remove = std::get_if<RemoveValidator>(&body)) {
    std::erase_if(set, [&](const ValidatorRecord& v) { return v.key == remove->key; });
  }
}

StateDelta GenesisDelta(const Genesis& genesis) {
  StateDelta d;
  for (const auto& e : genesis.employers) {
    EmployerRecord rec{e.id, e.name, EmployerStatus::kActive, {}, {}, 0};
    for (const auto& k : e.keys) {
      rec.keys.push_back({k, 0, 0});
      d.key_owners[k] = e.id;
    }
    d.employers[e.id] = std::move(rec);
  }
  std::vector<ValidatorRecord> validators;
  for (const auto& v : genesis.validators) validators.push_back({v.key, v.power, v.name});
  d.validators = std::move(validators);
  for (const auto& m : genesis.matchers) d.matchers[m.key] = MatcherRecord{m.key, m.name, 0};
  return d;
}

}  // namespace jobcard::ledger
