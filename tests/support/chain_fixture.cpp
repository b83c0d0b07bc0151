#include "tests/support/chain_fixture.h"

#include "crypto/hash.h"
#include "ledger/entry_builder.h"
#include "tests/support/fixtures.h"

namespace jobcard::testing {

using namespace ledger;

TestChain MakeTestChain() {
  TestChain c{Genesis{},       KeyFromByte(0x01), KeyFromByte(0x30), KeyFromByte(0x10),
              KeyFromByte(0x11), KeyFromByte(0x20), Corp(301018771), Corp(401067252)};
  c.genesis.chain_id = "jobcard-test";
  c.genesis.genesis_time_ms = 1775000000000ULL;
  c.genesis.registrar_keys = {c.registrar.public_key()};
  c.genesis.registrar_threshold = 1;
  c.genesis.validators = {{c.validator.public_key(), 1, "validator-0"}};
  c.genesis.employers = {{c.a, "北海道精密工業株式会社", {c.employer_a.public_key()}},
                         {c.b, "東京商事株式会社", {c.employer_b.public_key()}}};
  return c;
}

SubjectId SyntheticSubject(std::uint64_t i) {
  return crypto::TaggedHash("jobcard.test.subject", AsBytes(std::to_string(i)));
}

crypto::SigningKey SubjectSigningKey(const SubjectId& subject) {
  return std::move(crypto::SigningKey::FromSeed(crypto::TaggedHash("jobcard.test.subject_key", subject))).value();
}

crypto::PublicKey SyntheticSubjectKey(std::uint64_t i) { return SubjectSigningKey(SyntheticSubject(i)).public_key(); }

std::uint64_t SyntheticBlockTimeMs(const TestChain& chain, std::uint64_t height) {
  return chain.genesis.genesis_time_ms + height * 1000;
}

namespace {
Tx Entry(const TestChain& chain, TxKind kind, std::uint64_t subject_index, std::uint64_t height) {
  const bool at_a = subject_index % 2 == 0;
  EntryDraft d;
  d.kind = kind;
  d.employer = at_a ? chain.a : chain.b;
  d.subject = SyntheticSubject(subject_index);
  d.recorded_at = SyntheticBlockTimeMs(chain, height) / 1000;
  d.effective_date = Date::FromUnixSeconds(d.recorded_at);
  d.nonce = height * 1000000 + subject_index * 4 + static_cast<std::uint64_t>(kind);
  d.payload.salt = crypto::Sha256(AsBytes("salt" + std::to_string(d.nonce)));
  d.payload.fields = {{PayloadFieldId::kEmploymentType, "regular"},
                      {PayloadFieldId::kPosition, kind == TxKind::kHire ? "staff" : "section_head"},
                      {PayloadFieldId::kDepartment, "営業部"}};
  d.subject_key = chain.subject_key.public_key();
  d.employer_key = (at_a ? chain.employer_a : chain.employer_b).public_key();
  Tx tx = std::move(BuildEntry(d)).value();
  SignTx(tx, chain.genesis.chain_id, at_a ? chain.employer_a : chain.employer_b);
  return tx;
}
}  // namespace

std::vector<Tx> SyntheticBlockTxs(const TestChain& chain, std::uint64_t height, std::uint64_t n) {
  std::vector<Tx> txs;
  for (std::uint64_t i = (height - 1) * n; i < height * n; ++i) {
    Tx enroll{TxKind::kEnrollSubject, i, EnrollSubject{SyntheticSubject(i), SyntheticSubjectKey(i)}, {}};
    SignTx(enroll, chain.genesis.chain_id, chain.registrar);
    txs.push_back(std::move(enroll));
  }
  if (height >= 2) {
    for (std::uint64_t i = (height - 2) * n; i < (height - 1) * n; ++i) txs.push_back(Entry(chain, TxKind::kHire, i, height));
  }
  if (height >= 3) {
    for (std::uint64_t i = (height - 3) * n; i < (height - 2) * n; ++i) txs.push_back(Entry(chain, TxKind::kPositionChange, i, height));
  }
  return txs;
}

}  // namespace jobcard::testing
