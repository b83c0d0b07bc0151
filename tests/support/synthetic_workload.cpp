#include "tests/support/synthetic_workload.h"

#include <random>
#include <utility>

#include "ledger/entry_builder.h"

namespace jobcard::testing {

using namespace ledger;

SyntheticWorkload::SyntheticWorkload() : SyntheticWorkload(MakeTestChain()) {}

SyntheticWorkload::SyntheticWorkload(TestChain chain) : chain_(std::move(chain)) {
  EntryDraft d;
  d.kind = TxKind::kHire;
  d.employer = chain_.a;
  d.subject = SyntheticSubject(0);
  d.effective_date = Date::FromUnixSeconds(chain_.genesis.genesis_time_ms / 1000);
  d.recorded_at = chain_.genesis.genesis_time_ms / 1000;
  d.payload.salt.fill(7);
  d.payload.fields = {{PayloadFieldId::kEmploymentType, "regular"},
                      {PayloadFieldId::kPosition, "section_head"},
                      {PayloadFieldId::kDepartment, "法人営業部"},
                      {PayloadFieldId::kDuties, "地域金融機関向けの法人営業と新規開拓の統括"},
                      {PayloadFieldId::kWorkLocation, "札幌"}};
  d.subject_key = chain_.subject_key.public_key();
  d.employer_key = chain_.employer_a.public_key();
  template_entry_ = std::get<CareerEntry>(BuildEntry(d).value().body);
}

Tx SyntheticWorkload::Enroll(std::uint64_t subject) const {
  Tx tx{TxKind::kEnrollSubject, subject, EnrollSubject{SyntheticSubject(subject), SyntheticSubjectKey(subject)}, {}};
  SignTx(tx, chain_.genesis.chain_id, chain_.registrar);
  return tx;
}

namespace {
// Overwrites every byte of `bytes` from `rng`.
template <typename Range>
void Fill(Range& bytes, std::mt19937_64& rng) {
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
}
}  // namespace

Tx SyntheticWorkload::Entry(std::uint64_t subject, std::uint64_t round, std::uint64_t now_seconds,
                            bool distinct_payload) const {
  CareerEntry e = template_entry_;
  if (distinct_payload) {
    std::mt19937_64 rng(subject * 1000003 + round);
    Fill(e.commitment, rng);
    Fill(e.payload.nonce, rng);
    Fill(e.payload.ciphertext, rng);
    for (auto& wrapped : e.payload.wrapped) Fill(wrapped, rng);
  }
  const bool at_a = subject % 2 == 0;
  e.employer = at_a ? chain_.a : chain_.b;
  e.subject = SyntheticSubject(subject);
  e.recorded_at = now_seconds;
  e.effective_date = Date::FromUnixSeconds(now_seconds);
  Tx tx{round == 0 ? TxKind::kHire : TxKind::kPositionChange, subject * 1000 + round, std::move(e), {}};
  SignTx(tx, chain_.genesis.chain_id, at_a ? chain_.employer_a : chain_.employer_b);
  return tx;
}

}  // namespace jobcard::testing
