#include "tests/support/dated_chain.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "ledger/entry_builder.h"
#include "node/solo_producer.h"

namespace jobcard::testing {

using namespace ledger;

Date D(const std::string& iso) { return std::move(Date::Parse(iso)).value(); }

std::uint64_t MidnightMs(const Date& date) { return static_cast<std::uint64_t>(date.DaysSinceEpoch()) * 86400000ULL; }

DatedChain::DatedChain(const std::string& dir, TestChain chain) : chain_(std::move(chain)) {
  auto opened = ChainStore::Open(dir, chain_.genesis);
  if (!opened.ok()) {
    ADD_FAILURE() << opened.error().message;
    return;
  }
  store_ = std::move(*opened);
}

void DatedChain::BeginBlock(const std::string& date) {
  EXPECT_TRUE(pending_.empty()) << "the previous block was not committed";
  block_ms_ = MidnightMs(D(date));
}

EntryId DatedChain::Queue(Tx tx) {
  EntryId id = TxId(chain_.genesis.chain_id, tx);
  pending_.push_back(std::move(tx));
  return id;
}

const crypto::SigningKey& DatedChain::KeyOf(const CorporateNumber& employer) const {
  return employer == chain_.a ? chain_.employer_a : chain_.employer_b;
}

EntryId DatedChain::Enroll(std::uint64_t subject) {
  return Governance(TxKind::kEnrollSubject, EnrollSubject{SyntheticSubject(subject), SyntheticSubjectKey(subject)});
}

EntryId DatedChain::Governance(TxKind kind, TxBody body) {
  Tx tx{kind, nonce_++, std::move(body), {}};
  SignTx(tx, chain_.genesis.chain_id, chain_.registrar);
  return Queue(std::move(tx));
}

EntryId DatedChain::Entry(const EntrySpec& spec) {
  EntryDraft d;
  d.kind = spec.kind;
  d.employer = spec.employer;
  d.subject = SyntheticSubject(spec.subject);
  d.effective_date = D(spec.effective);
  d.recorded_at = block_ms_ / 1000;
  d.nonce = nonce_++;
  d.references = spec.references;
  d.reason = spec.reason;
  d.payload.salt = crypto::Sha256(AsBytes("salt" + std::to_string(d.nonce)));
  d.payload.fields = spec.fields.empty() ? std::vector<PayloadField>{{PayloadFieldId::kPosition, "staff"}} : spec.fields;
  d.subject_key = SubjectSigningKey(d.subject).public_key();
  d.employer_key = KeyOf(spec.employer).public_key();
  const bool secondment = spec.kind == TxKind::kSecondmentStart || spec.kind == TxKind::kSecondmentEnd;
  if (secondment) {
    d.host_employer = spec.host;
    d.host_key = KeyOf(spec.host).public_key();
  }
  if (!spec.expected_end.empty()) d.expected_end = D(spec.expected_end);
  auto built = BuildEntry(d);
  if (!built.ok()) {
    ADD_FAILURE() << built.error().message;
    return {};
  }
  Tx tx = std::move(*built);
  SignTx(tx, chain_.genesis.chain_id, KeyOf(spec.employer));
  if (secondment) SignTx(tx, chain_.genesis.chain_id, KeyOf(spec.host));
  return Queue(std::move(tx));
}

EntryId DatedChain::Dispute(std::uint64_t subject, const EntryId& ref, const CorporateNumber& employer) {
  EntryDraft d;
  d.kind = TxKind::kDispute;
  d.employer = employer;
  d.subject = SyntheticSubject(subject);
  d.effective_date = Date::FromUnixSeconds(block_ms_ / 1000);
  d.recorded_at = block_ms_ / 1000;
  d.nonce = nonce_++;
  d.references = {ref};
  d.reason = static_cast<std::uint8_t>(DisputeReason::kInaccurate);
  d.payload.salt = crypto::Sha256(AsBytes("dispute" + std::to_string(d.nonce)));
  const crypto::SigningKey subject_key = SubjectSigningKey(d.subject);
  d.subject_key = subject_key.public_key();
  d.employer_key = KeyOf(employer).public_key();
  auto built = BuildEntry(d);
  if (!built.ok()) {
    ADD_FAILURE() << built.error().message;
    return {};
  }
  SignTx(*built, chain_.genesis.chain_id, subject_key);
  return Queue(std::move(*built));
}

EntryId DatedChain::Headcount(const CorporateNumber& employer, const std::string& as_of, std::uint32_t count) {
  Tx tx{TxKind::kHeadcount, nonce_++, ledger::Headcount{employer, D(as_of), count, block_ms_ / 1000}, {}};
  SignTx(tx, chain_.genesis.chain_id, KeyOf(employer));
  return Queue(std::move(tx));
}

void DatedChain::Commit() {
  auto block = node::ProduceSoloBlock(*store_, pending_, block_ms_, chain_.validator);
  pending_.clear();
  ASSERT_TRUE(block.ok()) << block.error().message;
  ASSERT_EQ(block->header.time_ms, block_ms_) << "block dates must increase";
  for (const auto& r : block->rejected) ADD_FAILURE() << "rejected: " << r.status.error().code << ": " << r.status.error().message;
}

}  // namespace jobcard::testing
