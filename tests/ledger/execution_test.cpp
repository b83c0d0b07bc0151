// Every validation rule of spec/data-model.md, with a case that passes and a
// case that fails with the rule's code.
#include <gtest/gtest.h>

#include "ledger/entry_builder.h"
#include "ledger/execution.h"
#include "ledger/prechecked_validation.h"
#include "ledger/memory_state.h"
#include "ledger/pseudonym.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using testing::Corp;
using testing::KeyFromByte;

constexpr std::uint64_t kNowSeconds = 1775030400;  // 2026-04-01T08:00:00Z

// A ledger in memory: every Submit is validated and, if valid, applied as
// its own block.
class ExecutionTest : public ::testing::Test {
 protected:
  ExecutionTest() : overlay_(base_) {
    genesis_.chain_id = "jobcard-test";
    genesis_.registrar_keys = {r1_.public_key(), r2_.public_key(), r3_.public_key()};
    genesis_.registrar_threshold = 2;
    genesis_.validators = {{KeyFromByte(0x30).public_key(), 1, "v0"}};
    genesis_.employers = {{a_, "A社", {ka_.public_key()}}, {b_, "B社", {kb_.public_key()}}};
    overlay_.delta() = GenesisDelta(genesis_);
    subject_ = *DeriveSubjectId(Bytes(32, 9), "123456789018");
  }

  Status Submit(const Tx& tx) {
    ++height_;
    TxContext ctx{genesis_, height_, kNowSeconds * 1000};
    EntryId id = TxId(genesis_.chain_id, tx);
    Status s = ValidateTx(overlay_, tx, id, ctx);
    if (s.ok()) ApplyTx(overlay_, tx, id, 0, ctx);
    return s;
  }
  std::string Code(const Tx& tx) {
    Status s = Submit(tx);
    return s.ok() ? "ok" : s.error().code;
  }
  EntryId Id(const Tx& tx) const { return TxId(genesis_.chain_id, tx); }

  Tx Governance(TxKind kind, TxBody body, std::vector<const crypto::SigningKey*> signers) {
    Tx tx{kind, nonce_++, std::move(body), {}};
    for (auto* k : signers) SignTx(tx, genesis_.chain_id, *k);
    return tx;
  }
  Tx Enroll() { return Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, ks_.public_key()}, {&r1_, &r2_}); }

  EntryDraft Draft(TxKind kind, const CorporateNumber& employer = {}) {
    EntryDraft d;
    d.kind = kind;
    d.employer = employer == CorporateNumber{} ? a_ : employer;
    d.subject = subject_;
    d.effective_date = *Date::Parse("2026-04-01");
    d.recorded_at = kNowSeconds;
    d.nonce = nonce_++;
    d.payload.salt.fill(3);
    d.payload.fields = {{PayloadFieldId::kPosition, "課長"}};
    d.subject_key = ks_.public_key();
    d.employer_key = ka_.public_key();
    d.host_key = kb_.public_key();
    if (kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd) d.host_employer = b_;
    if (kind == TxKind::kSecondmentStart) d.expected_end = *Date::Parse("2027-03-31");
    if (kind == TxKind::kCorrection) d.reason = 1;
    if (kind == TxKind::kDispute) d.reason = 1;
    return d;
  }
  Tx Signed(const EntryDraft& d, std::vector<const crypto::SigningKey*> signers) {
    Tx tx = std::move(BuildEntry(d)).value();
    for (auto* k : signers) SignTx(tx, genesis_.chain_id, *k);
    return tx;
  }
  Tx Entry(TxKind kind, std::vector<EntryId> refs = {}) {
    EntryDraft d = Draft(kind);
    d.references = std::move(refs);
    std::vector<const crypto::SigningKey*> signers = {&ka_};
    if (kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd) signers.push_back(&kb_);
    if (kind == TxKind::kDispute) signers = {&ks_};
    return Signed(d, signers);
  }

  Genesis genesis_;
  EmptyState base_;
  StateOverlay overlay_;
  std::uint64_t height_ = 0;
  std::uint64_t nonce_ = 1;
  crypto::SigningKey r1_ = KeyFromByte(1), r2_ = KeyFromByte(2), r3_ = KeyFromByte(3), outsider_ = KeyFromByte(4);
  crypto::SigningKey ka_ = KeyFromByte(0x10), kb_ = KeyFromByte(0x11), ka2_ = KeyFromByte(0x12), ks_ = KeyFromByte(0x20);
  CorporateNumber a_ = Corp(301018771), b_ = Corp(401067252), c_ = Corp(12050002);
  SubjectId subject_{};
};

TEST_F(ExecutionTest, HireNeedsEnrolledSubject) {
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "validation.subject_not_enrolled");
  EXPECT_EQ(Code(Enroll()), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "ok");
  auto subject = overlay_.GetSubject(subject_);
  ASSERT_TRUE(subject.has_value());
  EXPECT_EQ(subject->entries.size(), 1u);
}

TEST_F(ExecutionTest, ReplayIsRejected) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  EXPECT_EQ(Code(hire), "ok");
  EXPECT_EQ(Code(hire), "validation.duplicate_tx");
}

TEST_F(ExecutionTest, SignatureMustVerifyOnThisChain) {
  ASSERT_EQ(Code(Enroll()), "ok");
  EntryDraft d = Draft(TxKind::kHire);
  Tx tx = std::move(BuildEntry(d)).value();
  SignTx(tx, "another-chain", ka_);
  EXPECT_EQ(Code(tx), "tx.bad_signature");
}

TEST_F(ExecutionTest, UnknownOrInactiveEmployerOrWrongKey) {
  ASSERT_EQ(Code(Enroll()), "ok");
  EXPECT_EQ(Code(Signed(Draft(TxKind::kHire, c_), {&ka_})), "validation.unknown_employer");
  EXPECT_EQ(Code(Signed(Draft(TxKind::kHire), {&kb_})), "validation.missing_signature");
  EXPECT_EQ(Code(Signed(Draft(TxKind::kHire), {&ka_, &outsider_})), "validation.unexpected_signer");
  ASSERT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{a_, EmployerStatus::kSuspended}, {&r1_, &r3_})), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "validation.employer_not_active");
  ASSERT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{a_, EmployerStatus::kActive}, {&r1_, &r3_})), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "ok");
}

TEST_F(ExecutionTest, RevokedKeyInvalidFromItsHeightOnly) {
  ASSERT_EQ(Code(Enroll()), "ok");
  ASSERT_EQ(Code(Entry(TxKind::kHire)), "ok");  // signed before the revocation: stays
  std::uint64_t revoke_at = height_ + 2;
  ASSERT_EQ(Code(Governance(TxKind::kRevokeEmployerKey, RevokeEmployerKey{a_, ka_.public_key(), revoke_at}, {&r1_, &r2_})), "ok");
  ASSERT_EQ(height_ + 1, revoke_at) << "the next submit is at the revocation height";
  EXPECT_EQ(Code(Entry(TxKind::kPositionChange)), "validation.key_not_active");
  EXPECT_EQ(overlay_.GetSubject(subject_)->entries.size(), 1u) << "the earlier hire is untouched";
}

TEST_F(ExecutionTest, RotationSwitchesKeys) {
  ASSERT_EQ(Code(Enroll()), "ok");
  ASSERT_EQ(Code(Governance(TxKind::kRotateEmployerKey, RotateEmployerKey{a_, ka_.public_key(), ka2_.public_key()}, {&r2_, &r3_})), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "validation.key_not_active");
  EXPECT_EQ(Code(Signed(Draft(TxKind::kHire), {&ka2_})), "ok");
  // A key cannot move to another employer.
  EXPECT_EQ(Code(Governance(TxKind::kAddEmployerKey, AddEmployerKey{b_, ka2_.public_key()}, {&r1_, &r2_})), "validation.key_in_use");
}

TEST_F(ExecutionTest, GovernanceNeedsRegistrarQuorum) {
  EXPECT_EQ(Code(Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, ks_.public_key()}, {&r1_})), "validation.governance_quorum");
  EXPECT_EQ(Code(Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, ks_.public_key()}, {&r1_, &outsider_})),
            "validation.unexpected_signer");
  EXPECT_EQ(Code(Enroll()), "ok");
  EXPECT_EQ(Code(Enroll()), "validation.subject_exists");
}

// G15: a key is the current key of one subject at most; a key replaced by a
// recovery is free again.
TEST_F(ExecutionTest, SubjectKeyIsUniqueAcrossSubjects) {
  ASSERT_EQ(Code(Enroll()), "ok");
  SubjectId other{};
  other.fill(0x42);
  const auto other_key = KeyFromByte(0x43);
  const auto recovered_key = KeyFromByte(0x44);
  EXPECT_EQ(Code(Governance(TxKind::kEnrollSubject, EnrollSubject{other, ks_.public_key()}, {&r1_, &r2_})), "validation.key_in_use");
  EXPECT_FALSE(overlay_.GetSubject(other));
  ASSERT_EQ(Code(Governance(TxKind::kEnrollSubject, EnrollSubject{other, other_key.public_key()}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(overlay_.GetSubjectByKey(other_key.public_key()), other);
  EXPECT_EQ(Code(Governance(TxKind::kRecoverSubjectKey, RecoverSubjectKey{other, ks_.public_key()}, {&r1_, &r2_})),
            "validation.key_in_use");
  // Once subject_ moves to another key, its old key may go to `other`.
  ASSERT_EQ(Code(Governance(TxKind::kRecoverSubjectKey, RecoverSubjectKey{subject_, recovered_key.public_key()}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(overlay_.GetSubjectByKey(ks_.public_key()), std::nullopt);
  EXPECT_EQ(overlay_.GetSubjectByKey(recovered_key.public_key()), subject_);
  ASSERT_EQ(Code(Governance(TxKind::kRecoverSubjectKey, RecoverSubjectKey{other, ks_.public_key()}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(overlay_.GetSubjectByKey(ks_.public_key()), other);
  EXPECT_EQ(overlay_.GetSubjectByKey(other_key.public_key()), std::nullopt);
}

TEST_F(ExecutionTest, RegisterEmployerOnce) {
  auto key = KeyFromByte(0x55).public_key();
  EXPECT_EQ(Code(Governance(TxKind::kRegisterEmployer, RegisterEmployer{c_, "C社", key}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(Code(Governance(TxKind::kRegisterEmployer, RegisterEmployer{c_, "C社", KeyFromByte(0x56).public_key()}, {&r1_, &r2_})),
            "validation.employer_exists");
  EXPECT_EQ(overlay_.GetKeyOwner(key), c_);
}

TEST_F(ExecutionTest, SecondmentNeedsHostSignatureAndEndsOnce) {
  ASSERT_EQ(Code(Enroll()), "ok");
  EXPECT_EQ(Code(Signed(Draft(TxKind::kSecondmentStart), {&ka_})), "validation.missing_signature");
  Tx start = Entry(TxKind::kSecondmentStart);
  ASSERT_EQ(Code(start), "ok");
  Tx end = Entry(TxKind::kSecondmentEnd, {Id(start)});
  EXPECT_EQ(Code(end), "ok");
  EXPECT_EQ(overlay_.GetEntry(Id(start))->closed_by, Id(end));
  EXPECT_EQ(Code(Entry(TxKind::kSecondmentEnd, {Id(start)})), "validation.secondment_not_open");
}

TEST_F(ExecutionTest, EndsMustReferenceTheirStart) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  ASSERT_EQ(Code(hire), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kSideJobEnd, {Id(hire)})), "validation.reference_kind");
  EXPECT_EQ(Code(Entry(TxKind::kSecondmentEnd, {Id(hire)})), "validation.reference_kind");
  EXPECT_EQ(Code(Entry(TxKind::kSideJobEnd, {EntryId{}})), "validation.reference_not_found");
  Tx side = Entry(TxKind::kSideJobStart);
  ASSERT_EQ(Code(side), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kSideJobEnd, {Id(side)})), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kSideJobEnd, {Id(side)})), "validation.side_job_not_open");
}

TEST_F(ExecutionTest, CorrectionSupersedesOnceAndOnlyOwnEntries) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  ASSERT_EQ(Code(hire), "ok");
  // Employer B cannot correct A's entry.
  EntryDraft by_b = Draft(TxKind::kCorrection, b_);
  by_b.references = {Id(hire)};
  EXPECT_EQ(Code(Signed(by_b, {&kb_})), "validation.reference_mismatch");
  Tx fix = Entry(TxKind::kCorrection, {Id(hire)});
  EXPECT_EQ(Code(fix), "ok");
  auto subject = overlay_.GetSubject(subject_);
  EXPECT_TRUE(subject->entries[0].superseded);
  EXPECT_EQ(Code(Entry(TxKind::kCorrection, {Id(hire)})), "validation.already_superseded");
}

TEST_F(ExecutionTest, DisputeBySubjectOnly) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  ASSERT_EQ(Code(hire), "ok");
  EntryDraft d = Draft(TxKind::kDispute);
  d.references = {Id(hire)};
  EXPECT_EQ(Code(Signed(d, {&ka_})), "validation.missing_signature");
  d.nonce = nonce_++;
  EXPECT_EQ(Code(Signed(d, {&ks_})), "ok");
  EXPECT_TRUE(overlay_.GetSubject(subject_)->entries[0].disputed);
  EXPECT_EQ(overlay_.GetEntry(Id(hire))->dispute_count, 1u);
}

TEST_F(ExecutionTest, RecoveredSubjectKeySignsDisputes) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  ASSERT_EQ(Code(hire), "ok");
  auto new_key = KeyFromByte(0x21);
  ASSERT_EQ(Code(Governance(TxKind::kRecoverSubjectKey, RecoverSubjectKey{subject_, new_key.public_key()}, {&r1_, &r2_})), "ok");
  EntryDraft d = Draft(TxKind::kDispute);
  d.references = {Id(hire)};
  EXPECT_EQ(Code(Signed(d, {&ks_})), "validation.missing_signature");
  d.nonce = nonce_++;
  EXPECT_EQ(Code(Signed(d, {&new_key})), "ok");
}

TEST_F(ExecutionTest, DatesAndClock) {
  ASSERT_EQ(Code(Enroll()), "ok");
  EntryDraft future = Draft(TxKind::kHire);
  future.effective_date = *Date::Parse("2026-04-03");  // two days after recorded_at
  EXPECT_EQ(Code(Signed(future, {&ka_})), "validation.effective_date_in_future");
  EntryDraft tomorrow = Draft(TxKind::kHire);
  tomorrow.effective_date = *Date::Parse("2026-04-02");  // within the one-day skew
  EXPECT_EQ(Code(Signed(tomorrow, {&ka_})), "ok");
  EntryDraft ahead = Draft(TxKind::kHire);
  ahead.recorded_at = kNowSeconds + genesis_.params.max_clock_skew_seconds + 1;
  EXPECT_EQ(Code(Signed(ahead, {&ka_})), "validation.recorded_at_in_future");
}

TEST_F(ExecutionTest, SuccessionPassesRecordsOn) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx side = Entry(TxKind::kSideJobStart);
  ASSERT_EQ(Code(side), "ok");
  ASSERT_EQ(Code(Governance(TxKind::kSuccession, Succession{a_, b_, *Date::Parse("2026-04-01")}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(overlay_.GetEmployer(a_)->status, EmployerStatus::kClosed);
  EXPECT_EQ(Code(Entry(TxKind::kHire)), "validation.employer_not_active");
  // The successor may end the predecessor's open side job.
  EntryDraft end = Draft(TxKind::kSideJobEnd, b_);
  end.references = {Id(side)};
  EXPECT_EQ(Code(Signed(end, {&kb_})), "ok");
  EXPECT_EQ(Code(Governance(TxKind::kSuccession, Succession{a_, b_, *Date::Parse("2026-04-01")}, {&r1_, &r3_})),
            "validation.already_succeeded");
  EXPECT_EQ(Code(Governance(TxKind::kSuccession, Succession{b_, a_, *Date::Parse("2026-04-01")}, {&r1_, &r3_})),
            "validation.employer_closed");
}

TEST_F(ExecutionTest, EmployerStatusRules) {
  EXPECT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{a_, EmployerStatus::kActive}, {&r1_, &r2_})),
            "validation.status_unchanged");
  EXPECT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{a_, EmployerStatus::kClosed}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{a_, EmployerStatus::kActive}, {&r1_, &r2_})),
            "validation.employer_closed");
  EXPECT_EQ(Code(Governance(TxKind::kAddEmployerKey, AddEmployerKey{a_, ka2_.public_key()}, {&r1_, &r2_})),
            "validation.employer_closed");
}

TEST_F(ExecutionTest, HostMustBeActive) {
  ASSERT_EQ(Code(Enroll()), "ok");
  ASSERT_EQ(Code(Governance(TxKind::kSetEmployerStatus, SetEmployerStatus{b_, EmployerStatus::kSuspended}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kSecondmentStart)), "validation.host_not_active");
}

TEST_F(ExecutionTest, IntroducedKeysMustBeUsable) {
  crypto::PublicKey identity{};
  identity[0] = 1;  // the neutral point: small order
  EXPECT_EQ(Code(Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, identity}, {&r1_, &r2_})), "validation.bad_key");
  EXPECT_EQ(Code(Governance(TxKind::kRegisterEmployer, RegisterEmployer{c_, "C社", identity}, {&r1_, &r2_})), "validation.bad_key");
}

// The mempool runs rule S3 once, at admission, and re-checks with
// ValidateTxPrechecked (ledger/prechecked_validation.h): it skips that check
// (and the signatures) and nothing else, and CheckIntroducedKey alone
// refuses the key.
TEST_F(ExecutionTest, PrecheckedValidationSkipsOnlyTheStatelessChecks) {
  crypto::PublicKey identity{};
  identity[0] = 1;
  const Tx bad = Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, identity}, {&r1_, &r2_});
  ASSERT_FALSE(CheckIntroducedKey(bad).ok());
  EXPECT_EQ(CheckIntroducedKey(bad).error().code, "validation.bad_key");
  EXPECT_TRUE(CheckIntroducedKey(Enroll()).ok());
  const TxContext ctx{genesis_, 1, kNowSeconds * 1000};
  EXPECT_EQ(ValidateTx(overlay_, bad, Id(bad), ctx).error().code, "validation.bad_key");
  EXPECT_TRUE(ValidateTxPrechecked(overlay_, bad, Id(bad), ctx).ok());
  // The stateful rules still hold: a registrar quorum is still required.
  const Tx short_quorum = Governance(TxKind::kEnrollSubject, EnrollSubject{subject_, identity}, {&r1_});
  ASSERT_FALSE(ValidateTxPrechecked(overlay_, short_quorum, Id(short_quorum), ctx).ok());
  EXPECT_EQ(ValidateTxPrechecked(overlay_, short_quorum, Id(short_quorum), ctx).error().code,
            "validation.governance_quorum");
}

TEST_F(ExecutionTest, DisputesAndCorrectionsDoNotChain) {
  ASSERT_EQ(Code(Enroll()), "ok");
  Tx hire = Entry(TxKind::kHire);
  ASSERT_EQ(Code(hire), "ok");
  Tx dispute = Entry(TxKind::kDispute, {Id(hire)});
  ASSERT_EQ(Code(dispute), "ok");
  EXPECT_EQ(Code(Entry(TxKind::kDispute, {Id(dispute)})), "validation.dispute_of_dispute");
  EXPECT_EQ(Code(Entry(TxKind::kCorrection, {Id(dispute)})), "validation.correction_of_dispute");
}

TEST_F(ExecutionTest, ValidatorSetChanges) {
  auto v1 = KeyFromByte(0x31).public_key();
  EXPECT_EQ(Code(Governance(TxKind::kAddValidator, AddValidator{v1, 1, "v1"}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(Code(Governance(TxKind::kAddValidator, AddValidator{v1, 1, "v1"}, {&r1_, &r2_})), "validation.validator_exists");
  EXPECT_EQ(overlay_.GetValidators().size(), 2u);
  EXPECT_EQ(Code(Governance(TxKind::kRemoveValidator, RemoveValidator{v1}, {&r1_, &r2_})), "ok");
  EXPECT_EQ(Code(Governance(TxKind::kRemoveValidator, RemoveValidator{genesis_.validators[0].key}, {&r1_, &r2_})),
            "validation.last_validator");
}

TEST_F(ExecutionTest, HeadcountByEmployer) {
  Tx h{TxKind::kHeadcount, nonce_++, Headcount{a_, *Date::Parse("2026-04-01"), 12, kNowSeconds}, {}};
  Tx by_b = h;
  SignTx(h, genesis_.chain_id, ka_);
  SignTx(by_b, genesis_.chain_id, kb_);
  EXPECT_EQ(Code(by_b), "validation.missing_signature");
  EXPECT_EQ(Code(h), "ok");
  Tx future{TxKind::kHeadcount, nonce_++, Headcount{a_, *Date::Parse("2026-05-01"), 12, kNowSeconds}, {}};
  SignTx(future, genesis_.chain_id, ka_);
  EXPECT_EQ(Code(future), "validation.effective_date_in_future");
  ASSERT_EQ(overlay_.delta().headcounts.size(), 1u);
  EXPECT_EQ(overlay_.delta().headcounts[0].active_employees, 12u);
}

TEST_F(ExecutionTest, ExecuteTxsSkipsInvalidAndSeesEarlierEffects) {
  Tx enroll = Enroll();
  Tx hire = Entry(TxKind::kHire);
  Tx bad = Signed(Draft(TxKind::kHire), {&kb_});
  TxContext ctx{genesis_, 1, kNowSeconds * 1000};
  BlockExecution ex = ExecuteTxs(overlay_, {hire, enroll, bad, hire}, ctx);
  ASSERT_EQ(ex.outcomes.size(), 4u);
  EXPECT_EQ(ex.outcomes[0].status.error().code, "validation.subject_not_enrolled") << "order matters";
  EXPECT_TRUE(ex.outcomes[1].status.ok());
  EXPECT_EQ(ex.outcomes[2].status.error().code, "validation.missing_signature");
  EXPECT_TRUE(ex.outcomes[3].status.ok()) << "the hire after the enrolment sees it";
  EXPECT_EQ(ex.accepted, 2u);
  EXPECT_EQ(ex.delta.log_appends.size(), 2u);
}

}  // namespace
}  // namespace jobcard::ledger
