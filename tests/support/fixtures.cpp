#include "tests/support/fixtures.h"

#include <cstdio>

namespace jobcard::testing {

using namespace ledger;

crypto::SigningKey KeyFromByte(std::uint8_t b) {
  Bytes seed(32, b);
  return std::move(crypto::SigningKey::FromSeed(seed)).value();
}

CorporateNumber Corp(std::uint64_t base) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(base % 1000000000000ULL));
  std::string text = std::to_string(CorporateNumberCheckDigit(digits)) + digits;
  return std::move(CorporateNumber::Parse(text)).value();
}

SubjectId SubjectFromByte(std::uint8_t n) {
  SubjectId id{};
  id.fill(n);
  return id;
}

CorporateNumber TestEmployer() { return Corp(430001023581); }

Genesis SmallGenesis(std::uint64_t genesis_time_ms, std::vector<crypto::PublicKey> employer_keys) {
  Genesis genesis;
  genesis.chain_id = kTestChainId;
  genesis.genesis_time_ms = genesis_time_ms;
  genesis.registrar_keys = {KeyFromByte(1).public_key()};
  genesis.validators = {{KeyFromByte(2).public_key(), 1, "validator-0"}};
  if (!employer_keys.empty()) genesis.employers = {{TestEmployer(), "北海道精密工業株式会社", std::move(employer_keys)}};
  return genesis;
}

const std::vector<TxKind>& AllKinds() {
  static const std::vector<TxKind> kinds = [] {
    std::vector<TxKind> out;
    for (int b = 0; b < 256; ++b) {
      if (auto k = TxKindFromByte(static_cast<std::uint8_t>(b))) out.push_back(*k);
    }
    return out;
  }();
  return kinds;
}

namespace {

template <std::size_t N>
FixedBytes<N> RandomBytes(std::mt19937_64& rng) {
  FixedBytes<N> out{};
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

Date RandomDate(std::mt19937_64& rng) {
  return std::move(Date::Make(1990 + static_cast<int>(rng() % 40), 1 + static_cast<int>(rng() % 12),
                              1 + static_cast<int>(rng() % 28)))
      .value();
}

std::string RandomText(std::mt19937_64& rng, std::size_t max_len) {
  static const std::vector<std::string> kPieces = {"課長", "営業部", "Sapporo", " ", "主任", "engineer", "札幌支店", "x"};
  std::string out;
  std::size_t n = rng() % 6;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& p = kPieces[rng() % kPieces.size()];
    if (out.size() + p.size() > max_len) break;
    out += p;
  }
  return out;
}

Payload RandomPayload(std::mt19937_64& rng) {
  Payload p;
  p.salt = RandomBytes<32>(rng);
  for (std::uint8_t id = 1; id <= kMaxPayloadFieldId; ++id) {
    if (rng() % 2) p.fields.push_back({static_cast<PayloadFieldId>(id), RandomText(rng, 200)});
  }
  return p;
}

crypto::PublicKey RandomValidKey(std::mt19937_64& rng) {
  return KeyFromByte(static_cast<std::uint8_t>(rng())).public_key();
}

Tx RandomEntry(TxKind kind, std::mt19937_64& rng) {
  EntryDraft d;
  d.kind = kind;
  d.employer = Corp(rng());
  d.subject = RandomBytes<32>(rng);
  d.effective_date = RandomDate(rng);
  d.recorded_at = 1 + rng() % 4000000000ULL;
  d.nonce = rng();
  std::size_t refs = (kind == TxKind::kSecondmentEnd || kind == TxKind::kSideJobEnd || kind == TxKind::kCorrection ||
                      kind == TxKind::kDispute)
                         ? 1
                         : 0;
  for (std::size_t i = 0; i < refs; ++i) d.references.push_back(RandomBytes<32>(rng));
  d.payload = RandomPayload(rng);
  d.host_employer = Corp(rng());
  while (d.host_employer == d.employer) d.host_employer = Corp(rng());
  d.expected_end = d.effective_date;
  if (kind == TxKind::kCorrection) d.reason = static_cast<std::uint8_t>(1 + rng() % kMaxCorrectionReason);
  if (kind == TxKind::kDispute) d.reason = static_cast<std::uint8_t>(1 + rng() % kMaxDisputeReason);
  d.subject_key = RandomValidKey(rng);
  d.employer_key = RandomValidKey(rng);
  d.host_key = RandomValidKey(rng);
  return std::move(BuildEntry(d)).value();
}

TxBody RandomBody(TxKind kind, std::mt19937_64& rng) {
  switch (kind) {
    case TxKind::kHeadcount:
      return Headcount{Corp(rng()), RandomDate(rng), static_cast<std::uint32_t>(rng()), 1 + rng() % 4000000000ULL};
    case TxKind::kRegisterEmployer:
      return RegisterEmployer{Corp(rng()), "株式会社テスト " + std::to_string(rng() % 1000), RandomBytes<32>(rng)};
    case TxKind::kSetEmployerStatus:
      return SetEmployerStatus{Corp(rng()), static_cast<EmployerStatus>(1 + rng() % 3)};
    case TxKind::kAddEmployerKey:
      return AddEmployerKey{Corp(rng()), RandomBytes<32>(rng)};
    case TxKind::kRotateEmployerKey:
      return RotateEmployerKey{Corp(rng()), RandomBytes<32>(rng), RandomBytes<32>(rng)};
    case TxKind::kRevokeEmployerKey:
      return RevokeEmployerKey{Corp(rng()), RandomBytes<32>(rng), rng()};
    case TxKind::kAddValidator:
      return AddValidator{RandomBytes<32>(rng), 1 + rng() % kMaxValidatorPower, "Hokkaido Bank"};
    case TxKind::kRemoveValidator:
      return RemoveValidator{RandomBytes<32>(rng)};
    case TxKind::kEnrollSubject:
      return EnrollSubject{RandomBytes<32>(rng), RandomBytes<32>(rng)};
    case TxKind::kRecoverSubjectKey:
      return RecoverSubjectKey{RandomBytes<32>(rng), RandomBytes<32>(rng)};
    case TxKind::kRegisterMatcher:
      return RegisterMatcher{RandomBytes<32>(rng), "Regional Recruiting KK"};
    case TxKind::kSuccession: {
      Succession s{Corp(rng()), Corp(rng()), RandomDate(rng)};
      while (s.successor == s.predecessor) s.successor = Corp(rng());
      return s;
    }
    default:
      return Headcount{};
  }
}

}  // namespace

Tx RandomTx(TxKind kind, std::mt19937_64& rng) {
  Tx tx;
  if (IsCareerEntry(kind)) {
    tx = RandomEntry(kind, rng);
  } else {
    tx.kind = kind;
    tx.nonce = rng();
    tx.body = RandomBody(kind, rng);
  }
  std::size_t signers = 1 + rng() % 3;
  for (std::size_t i = 0; i < signers; ++i) SignTx(tx, kTestChainId, KeyFromByte(static_cast<std::uint8_t>(rng())));
  return tx;
}

}  // namespace jobcard::testing
