#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "ledger/payload.h"
#include "ledger/tx.h"
#include "ledger/tx_json.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using testing::AllKinds;
using testing::kTestChainId;
using testing::RandomTx;

constexpr int kSeeds = 40;

TEST(TxCodec, EncodeDecodeEncodeIsIdentityForEveryKind) {
  for (TxKind kind : AllKinds()) {
    for (int seed = 0; seed < kSeeds; ++seed) {
      std::mt19937_64 rng(seed * 1000 + static_cast<int>(kind));
      Tx tx = RandomTx(kind, rng);
      Bytes encoded = EncodeTx(tx);
      auto decoded = DecodeTx(encoded);
      ASSERT_TRUE(decoded.ok()) << TxKindName(kind) << " seed " << seed << ": " << decoded.error().message;
      EXPECT_EQ(*decoded, tx);
      EXPECT_EQ(EncodeTx(*decoded), encoded);
      EXPECT_TRUE(VerifyTxSignatures(*decoded, kTestChainId).ok());
    }
  }
}

TEST(TxCodec, JsonViewRoundTripsForEveryKind) {
  for (TxKind kind : AllKinds()) {
    for (int seed = 0; seed < 10; ++seed) {
      std::mt19937_64 rng(seed * 7 + static_cast<int>(kind));
      Tx tx = RandomTx(kind, rng);
      auto back = TxFromJson(TxToJson(tx));
      ASSERT_TRUE(back.ok()) << TxKindName(kind) << ": " << back.error().message;
      EXPECT_EQ(*back, tx);
    }
  }
}

TEST(TxCodec, EveryTruncationIsRejected) {
  for (TxKind kind : AllKinds()) {
    std::mt19937_64 rng(static_cast<int>(kind));
    Bytes encoded = EncodeTx(RandomTx(kind, rng));
    for (std::size_t len = 0; len < encoded.size(); ++len) {
      auto r = DecodeTx(ByteView(encoded.data(), len));
      ASSERT_FALSE(r.ok()) << TxKindName(kind) << " truncated to " << len;
    }
  }
}

TEST(TxCodec, TrailingBytesAreRejected) {
  std::mt19937_64 rng(1);
  Bytes encoded = EncodeTx(RandomTx(TxKind::kHire, rng));
  encoded.push_back(0);
  EXPECT_EQ(DecodeTx(encoded).error().code, "encoding.trailing_bytes");
}

TEST(TxCodec, OversizeInputAndFieldsAreRejected) {
  Bytes huge(kMaxTxBytes + 1, 0);
  EXPECT_EQ(DecodeTx(huge).error().code, "tx.too_large");

  std::mt19937_64 rng(2);
  Tx tx = RandomTx(TxKind::kRegisterEmployer, rng);
  std::get<RegisterEmployer>(tx.body).name = std::string(kMaxNameBytes + 1, 'a');
  EXPECT_EQ(DecodeTx(EncodeTx(tx)).error().code, "encoding.oversize");

  Tx entry = RandomTx(TxKind::kHire, rng);
  std::get<CareerEntry>(entry.body).references.resize(kMaxReferences + 1);
  EXPECT_EQ(DecodeTx(EncodeTx(entry)).error().code, "encoding.too_many");
}

TEST(TxCodec, UnknownKindAndVersionAreRejected) {
  std::mt19937_64 rng(3);
  Bytes encoded = EncodeTx(RandomTx(TxKind::kHire, rng));
  Bytes bad_kind = encoded;
  bad_kind[1] = 200;
  EXPECT_EQ(DecodeTx(bad_kind).error().code, "tx.unknown_kind");
  Bytes bad_version = encoded;
  bad_version[0] = 2;
  EXPECT_EQ(DecodeTx(bad_version).error().code, "tx.unsupported_version");
}

TEST(TxCodec, UnsortedSignaturesAreRejected) {
  std::mt19937_64 rng(4);
  Tx tx = RandomTx(TxKind::kAddValidator, rng);
  SignTx(tx, kTestChainId, testing::KeyFromByte(1));
  SignTx(tx, kTestChainId, testing::KeyFromByte(2));
  ASSERT_GE(tx.signatures.size(), 2u);
  std::swap(tx.signatures[0], tx.signatures[1]);
  EXPECT_EQ(DecodeTx(EncodeTx(tx)).error().code, "tx.signature_order");
}

TEST(TxCodec, InvalidCorporateNumberAndDateInBytesAreRejected) {
  std::mt19937_64 rng(5);
  Tx tx = RandomTx(TxKind::kHeadcount, rng);
  Bytes encoded = EncodeTx(tx);
  // Body layout: version(1) kind(1) nonce(8) employer(13) as_of(4)...
  Bytes bad_corp = encoded;
  bad_corp[10] = static_cast<std::uint8_t>(bad_corp[10] == '9' ? '8' : bad_corp[10] + 1);
  EXPECT_EQ(DecodeTx(bad_corp).error().code, "id.corporate_number_check");
  Bytes bad_date = encoded;
  bad_date[10 + 13 + 2] = 13;  // month 13
  EXPECT_EQ(DecodeTx(bad_date).error().code, "date.invalid");
}

TEST(TxSign, EverySingleBitFlipOfTheSignedMessageFailsVerification) {
  for (TxKind kind : {TxKind::kHire, TxKind::kSecondmentStart, TxKind::kRegisterEmployer, TxKind::kDispute}) {
    std::mt19937_64 rng(static_cast<int>(kind));
    Tx tx = RandomTx(kind, rng);
    Bytes body = EncodeTxBody(tx);
    Bytes sigs_part;
    {
      Bytes full = EncodeTx(tx);
      sigs_part.assign(full.begin() + static_cast<std::ptrdiff_t>(body.size()), full.end());
    }
    int verified_after_flip = 0;
    for (std::size_t bit = 0; bit < body.size() * 8; ++bit) {
      Bytes flipped = body;
      flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      flipped.insert(flipped.end(), sigs_part.begin(), sigs_part.end());
      auto decoded = DecodeTx(flipped);
      if (decoded.ok() && VerifyTxSignatures(*decoded, kTestChainId).ok()) ++verified_after_flip;
    }
    EXPECT_EQ(verified_after_flip, 0) << TxKindName(kind);
  }
}

TEST(TxSign, SignatureBindsChainId) {
  std::mt19937_64 rng(6);
  Tx tx = RandomTx(TxKind::kHire, rng);
  EXPECT_TRUE(VerifyTxSignatures(tx, kTestChainId).ok());
  EXPECT_EQ(VerifyTxSignatures(tx, "another-chain").error().code, "tx.bad_signature");
  EXPECT_NE(TxId(kTestChainId, tx), TxId("another-chain", tx));
}

TEST(TxSign, IdIgnoresSignaturesButCoversBody) {
  std::mt19937_64 rng(7);
  Tx tx = RandomTx(TxKind::kSecondmentStart, rng);
  EntryId id = TxId(kTestChainId, tx);
  SignTx(tx, kTestChainId, testing::KeyFromByte(200));
  EXPECT_EQ(TxId(kTestChainId, tx), id) << "a co-signature must not change the id";
  tx.nonce ^= 1;
  EXPECT_NE(TxId(kTestChainId, tx), id);
}

TEST(TxForm, KindSpecificRules) {
  std::mt19937_64 rng(8);
  Tx correction = RandomTx(TxKind::kCorrection, rng);
  std::get<CareerEntry>(correction.body).references.clear();
  EXPECT_EQ(CheckTxForm(correction).error().code, "tx.form");

  Tx bad_reason = RandomTx(TxKind::kDispute, rng);
  std::get<CareerEntry>(bad_reason.body).reason = 0;
  EXPECT_EQ(CheckTxForm(bad_reason).error().code, "tx.form");

  Tx secondment = RandomTx(TxKind::kSecondmentStart, rng);
  auto& e = std::get<CareerEntry>(secondment.body);
  e.host_employer = e.employer;
  EXPECT_EQ(CheckTxForm(secondment).error().code, "tx.form");

  Tx mismatched = RandomTx(TxKind::kHire, rng);
  mismatched.kind = TxKind::kAddValidator;
  EXPECT_EQ(CheckTxForm(mismatched).error().code, "tx.form");
}

TEST(TxJson, StrictAboutUnknownFieldsAndTypes) {
  std::mt19937_64 rng(9);
  nlohmann::json j = TxToJson(RandomTx(TxKind::kHire, rng));
  nlohmann::json extra = j;
  extra["body"]["name"] = "Taro Yamada";
  EXPECT_EQ(TxFromJson(extra).error().code, "json.unknown_field");
  nlohmann::json wrong_type = j;
  wrong_type["nonce"] = "12";
  EXPECT_EQ(TxFromJson(wrong_type).error().code, "json.field");
  nlohmann::json bad_date = j;
  bad_date["body"]["effective_date"] = "2023-02-29";
  auto r = TxFromJson(bad_date);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("body.effective_date"), std::string::npos) << r.error().message;
  nlohmann::json bad_kind = j;
  bad_kind["kind"] = "fire";
  EXPECT_EQ(TxFromJson(bad_kind).error().code, "tx.unknown_kind");
}

TEST(EntryBuilder, RecipientsOpenAndCommitmentHolds) {
  auto subject = testing::KeyFromByte(1), employer = testing::KeyFromByte(2), outsider = testing::KeyFromByte(3);
  EntryDraft d;
  d.kind = TxKind::kHire;
  d.employer = testing::Corp(12050002);
  d.subject.fill(5);
  d.effective_date = *Date::Parse("2026-04-01");
  d.recorded_at = 1775000000;
  d.payload.salt.fill(1);
  d.payload.fields = {{PayloadFieldId::kEmploymentType, "regular"}, {PayloadFieldId::kPosition, "課長"}};
  d.subject_key = subject.public_key();
  d.employer_key = employer.public_key();
  auto tx = BuildEntry(d);
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  EXPECT_EQ(*OpenEntryPayload(*tx, subject), d.payload);
  EXPECT_EQ(*OpenEntryPayload(*tx, employer), d.payload);
  EXPECT_EQ(OpenEntryPayload(*tx, outsider).error().code, "envelope.not_recipient");
  // Moving the ciphertext to another subject breaks authentication.
  Tx moved = *tx;
  std::get<CareerEntry>(moved.body).subject.fill(6);
  EXPECT_EQ(OpenEntryPayload(moved, subject).error().code, "envelope.corrupt");
}

}  // namespace
}  // namespace jobcard::ledger

namespace jobcard::ledger {
namespace {

// Whatever CheckTxForm accepts must encode to bytes DecodeTx accepts.
TEST(TxForm, RejectsWhatCouldNotBeDecoded) {
  std::mt19937_64 rng(10);
  Tx secondment = testing::RandomTx(TxKind::kSecondmentStart, rng);
  std::get<CareerEntry>(secondment.body).host_employer = CorporateNumber{};
  EXPECT_EQ(CheckTxForm(secondment).error().code, "tx.form");
  Tx succession = testing::RandomTx(TxKind::kSuccession, rng);
  std::get<Succession>(succession.body).effective_date = Date{};
  EXPECT_EQ(CheckTxForm(succession).error().code, "tx.form");
  Tx named = testing::RandomTx(TxKind::kRegisterMatcher, rng);
  std::get<RegisterMatcher>(named.body).name = "bad\x01name";
  EXPECT_EQ(CheckTxForm(named).error().code, "tx.form");
  std::get<RegisterMatcher>(named.body).name = "bad\xc0\xafname";
  EXPECT_EQ(CheckTxForm(named).error().code, "tx.form");
}

TEST(Payload, ValidateRejectsControlCharactersLikeTheDecoder) {
  Payload p;
  p.fields = {{PayloadFieldId::kNote, "line\rbreak"}};
  EXPECT_EQ(ValidatePayload(p).error().code, "encoding.control_char");
}

}  // namespace
}  // namespace jobcard::ledger
