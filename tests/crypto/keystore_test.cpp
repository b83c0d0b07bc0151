#include "crypto/keystore.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/hash.h"
#include "tests/support/temp_dir.h"

namespace jobcard::crypto {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using jobcard::testing::TempDir;

const ByteView kPassphrase = AsBytes("correct horse battery staple");

// libsodium's minimum Argon2id cost: the format code is the same at any cost,
// and the tamper sweeps below run the KDF over a hundred times.
KeystoreWriteOptions FastOptions(std::string label = "test key") {
  KeystoreWriteOptions options;
  options.label = std::move(label);
  options.kdf = KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  return options;
}

SigningKey KeyFromByte(std::uint8_t b) { return std::move(SigningKey::FromSeed(Bytes(32, b))).value(); }

std::string Seal(const SigningKey& key, ByteView passphrase = kPassphrase,
                 const KeystoreWriteOptions& options = FastOptions()) {
  auto text = SealKeystore(key, passphrase, options);
  EXPECT_TRUE(text.ok()) << text.error().code << ": " << text.error().message;
  return text.ok() ? *text : std::string();
}

std::string ErrorCode(const Result<UnlockedKeystore>& r) { return r.ok() ? "ok" : r.error().code; }
std::string ErrorCode(const Result<SigningKey>& r) { return r.ok() ? "ok" : r.error().code; }
std::string ErrorCode(const Result<KeystorePublicInfo>& r) { return r.ok() ? "ok" : r.error().code; }
std::string ErrorCode(const Status& s) { return s.ok() ? "ok" : s.error().code; }

void WriteRaw(const fs::path& path, std::string_view text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << text;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string ReadRaw(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

// ---- round trip ------------------------------------------------------------

TEST(Keystore, FileRoundTripGivesTheSameKeyLabelAndDefaultCost) {
  TempDir dir;
  const fs::path path = dir / "employer.key";
  SigningKey key = SigningKey::Generate();
  KeystoreWriteOptions options;
  options.label = "株式会社サンプル 人事部";
  ASSERT_EQ(ErrorCode(WriteKeystore(path, key, kPassphrase, options)), "ok");

  auto unlocked = UnlockKeystore(path, kPassphrase);
  ASSERT_TRUE(unlocked.ok()) << unlocked.error().message;
  EXPECT_EQ(unlocked->key.public_key(), key.public_key());
  EXPECT_TRUE(std::equal(unlocked->key.seed().begin(), unlocked->key.seed().end(), key.seed().begin()));
  EXPECT_EQ(unlocked->info.label, "株式会社サンプル 人事部");
  EXPECT_EQ(unlocked->info.kdf.opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(unlocked->info.kdf.memlimit_bytes, crypto_pwhash_MEMLIMIT_INTERACTIVE);

  auto read = ReadKeystore(path, kPassphrase);
  ASSERT_TRUE(read.ok());
  Signature sig = read->Sign("jobcard.test", AsBytes("hire"));
  EXPECT_TRUE(Verify(key.public_key(), "jobcard.test", AsBytes("hire"), sig));

  auto info = ReadKeystorePublic(path);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->public_key, key.public_key());
  EXPECT_EQ(info->label, "株式会社サンプル 人事部");
}

TEST(Keystore, FileNeverContainsTheSeedOrPassphrase) {
  SigningKey key = KeyFromByte(0x42);
  std::string text = Seal(key);
  EXPECT_EQ(text.find(ToHex(key.seed())), std::string::npos);
  EXPECT_EQ(text.find("correct horse"), std::string::npos);
  EXPECT_NE(text.find(ToHex(key.public_key())), std::string::npos);
}

TEST(Keystore, TwoSealsOfOneKeyDifferInSaltNonceAndCiphertext) {
  SigningKey key = KeyFromByte(1);
  Json a = Json::parse(Seal(key));
  Json b = Json::parse(Seal(key));
  EXPECT_NE(a["salt"], b["salt"]);
  EXPECT_NE(a["nonce"], b["nonce"]);
  EXPECT_NE(a["ciphertext"], b["ciphertext"]);
}

// ---- passphrases -----------------------------------------------------------

TEST(Keystore, WrongPassphraseIsRefusedWithAClearMessage) {
  std::string text = Seal(KeyFromByte(2));
  for (std::string_view wrong : {"correct horse battery stapl", "Correct horse battery staple", ""}) {
    auto opened = OpenKeystore(text, AsBytes(wrong));
    ASSERT_EQ(ErrorCode(opened), "keystore.wrong_passphrase") << wrong;
    EXPECT_EQ(opened.error().message, "wrong passphrase or the file was altered");
  }
}

TEST(Keystore, EmptyPassphraseIsRefusedUnlessAllowed) {
  auto refused = SealKeystore(KeyFromByte(3), ByteView(), FastOptions());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "keystore.weak_passphrase");

  KeystoreWriteOptions dev = FastOptions("devnet validator 0");
  dev.allow_empty_passphrase = true;
  std::string text = Seal(KeyFromByte(3), ByteView(), dev);
  auto opened = OpenKeystore(text, ByteView());
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->key.public_key(), KeyFromByte(3).public_key());
  EXPECT_EQ(ErrorCode(OpenKeystore(text, AsBytes("x"))), "keystore.wrong_passphrase");
}

// ---- tampering -------------------------------------------------------------

// Flips one bit in byte `index` of the hex field `name` and opens the result.
Result<UnlockedKeystore> OpenWithFlippedByte(const std::string& text, const char* name, std::size_t index) {
  Json doc = Json::parse(text);
  Bytes bytes = std::move(FromHex(doc[name].get<std::string>())).value();
  bytes.at(index) ^= 0x01;
  doc[name] = ToHex(bytes);
  return OpenKeystore(doc.dump(), kPassphrase);
}

TEST(Keystore, EveryByteOfCiphertextNonceSaltAndPublicKeyIsAuthenticated) {
  SigningKey key = KeyFromByte(4);
  const std::string text = Seal(key);
  ASSERT_TRUE(OpenKeystore(text, kPassphrase).ok());
  const std::pair<const char*, std::size_t> fields[] = {
      {"ciphertext", 48}, {"nonce", 24}, {"salt", 16}, {"public_key", 32}};
  std::size_t tried = 0;
  for (const auto& [name, size] : fields) {
    ASSERT_EQ(FromHex(Json::parse(text)[name].get<std::string>())->size(), size) << name;
    for (std::size_t i = 0; i < size; ++i) {
      auto opened = OpenWithFlippedByte(text, name, i);
      // An altered public key is bound by the associated data, so it fails
      // authentication just like an altered ciphertext: never a wrong key.
      EXPECT_EQ(ErrorCode(opened), "keystore.wrong_passphrase") << name << " byte " << i;
      ++tried;
    }
  }
  EXPECT_EQ(tried, 120u);
}

TEST(Keystore, LabelAndKdfParametersAreAuthenticated) {
  const std::string text = Seal(KeyFromByte(5));
  Json doc = Json::parse(text);
  Json relabelled = doc;
  relabelled["label"] = "test kez";
  EXPECT_EQ(ErrorCode(OpenKeystore(relabelled.dump(), kPassphrase)), "keystore.wrong_passphrase");
  Json cheaper = doc;
  cheaper["kdf"]["memlimit"] = crypto_pwhash_MEMLIMIT_MIN * 2;
  EXPECT_EQ(ErrorCode(OpenKeystore(cheaper.dump(), kPassphrase)), "keystore.wrong_passphrase");
  Json more_ops = doc;
  more_ops["kdf"]["opslimit"] = crypto_pwhash_OPSLIMIT_MIN + 1;
  EXPECT_EQ(ErrorCode(OpenKeystore(more_ops.dump(), kPassphrase)), "keystore.wrong_passphrase");
}

TEST(Keystore, ReformattedJsonStillOpens) {
  // The associated data is built from values, not from the text's layout.
  SigningKey key = KeyFromByte(6);
  std::string compact = Json::parse(Seal(key)).dump();
  auto opened = OpenKeystore(compact, kPassphrase);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->key.public_key(), key.public_key());
}

// ---- the format, rebuilt from spec/keystore.md -----------------------------

void AppendBigEndian(Bytes& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void AppendLengthPrefixed(Bytes& out, std::string_view text) {
  AppendBigEndian(out, text.size(), 4);
  out.insert(out.end(), text.begin(), text.end());
}

// Encrypts `seed` while the header states `stated_public_key`, exactly as
// the spec describes, with the minimum cost.
std::string BuildPerSpec(ByteView seed, const PublicKey& stated_public_key, std::string_view label) {
  const std::uint64_t ops = crypto_pwhash_OPSLIMIT_MIN, mem = crypto_pwhash_MEMLIMIT_MIN;
  FixedBytes<16> salt{};
  FixedBytes<24> nonce{};
  for (std::size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<std::uint8_t>(0xA0 + i);
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(0x10 + i);

  Bytes ad = DomainPrefix("jobcard.keystore.v1");
  AppendLengthPrefixed(ad, "jobcard-keystore-v1");
  AppendLengthPrefixed(ad, "argon2id13");
  AppendBigEndian(ad, ops, 8);
  AppendBigEndian(ad, mem, 8);
  ad.insert(ad.end(), salt.begin(), salt.end());
  ad.insert(ad.end(), stated_public_key.begin(), stated_public_key.end());
  AppendLengthPrefixed(ad, label);

  FixedBytes<32> key{};
  EXPECT_EQ(crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(kPassphrase.data()),
                          kPassphrase.size(), salt.data(), ops, mem, crypto_pwhash_ALG_ARGON2ID13),
            0);
  Bytes ciphertext(seed.size() + 16);
  crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext.data(), nullptr, seed.data(), seed.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), key.data());
  Json doc = {{"format", "jobcard-keystore-v1"},
              {"kdf", {{"alg", "argon2id13"}, {"opslimit", ops}, {"memlimit", mem}}},
              {"salt", ToHex(salt)},
              {"nonce", ToHex(nonce)},
              {"ciphertext", ToHex(ciphertext)},
              {"public_key", ToHex(stated_public_key)},
              {"label", label}};
  return doc.dump(2);
}

TEST(Keystore, AFileBuiltFromTheSpecOpens) {
  SigningKey key = KeyFromByte(7);
  auto opened = OpenKeystore(BuildPerSpec(key.seed(), key.public_key(), "spec vector"), kPassphrase);
  ASSERT_TRUE(opened.ok()) << opened.error().code << ": " << opened.error().message;
  EXPECT_EQ(opened->key.public_key(), key.public_key());
  EXPECT_EQ(opened->info.label, "spec vector");
}

TEST(Keystore, SeedThatDoesNotGiveTheStatedPublicKeyIsRefused) {
  SigningKey key = KeyFromByte(8);
  SigningKey other = KeyFromByte(9);
  auto opened = OpenKeystore(BuildPerSpec(key.seed(), other.public_key(), ""), kPassphrase);
  EXPECT_EQ(ErrorCode(opened), "keystore.public_key_mismatch");
}

// ---- malformed input -------------------------------------------------------

TEST(Keystore, EveryTruncationFailsWithoutCrashing) {
  const std::string text = Seal(KeyFromByte(10));
  const std::size_t closing = text.rfind('}');
  ASSERT_NE(closing, std::string::npos);
  for (std::size_t n = 0; n <= closing; ++n) {
    auto opened = OpenKeystore(std::string_view(text).substr(0, n), kPassphrase);
    EXPECT_EQ(ErrorCode(opened), "keystore.malformed") << "length " << n;
  }
}

TEST(Keystore, MalformedDocumentsAreRefused) {
  Json good = Json::parse(Seal(KeyFromByte(11)));
  auto with = [&](const char* name, Json value) {
    Json doc = good;
    doc[name] = std::move(value);
    return doc.dump();
  };
  auto without = [&](const char* name) {
    Json doc = good;
    doc.erase(name);
    return doc.dump();
  };
  Json kdf_as_string = good["kdf"];
  kdf_as_string["opslimit"] = "2";
  Json kdf_negative = good["kdf"];
  kdf_negative["memlimit"] = -1;
  Json kdf_float = good["kdf"];
  kdf_float["memlimit"] = 8192.5;
  Json kdf_extra = good["kdf"];
  kdf_extra["parallelism"] = 4;
  const std::string cases[] = {
      "",
      "not json",
      "[]",
      "\"jobcard-keystore-v1\"",
      "{}",
      R"({"format":"jobcard-keystore-v1"})",
      std::string(60000, '['),  // deep nesting within the size bound
      with("format", 1),
      with("salt", "zz" + good["salt"].get<std::string>().substr(2)),
      with("salt", good["salt"].get<std::string>() + "00"),
      with("nonce", good["nonce"].get<std::string>().substr(1)),
      with("ciphertext", good["ciphertext"].get<std::string>().substr(2)),
      with("public_key", nullptr),
      with("label", 7),
      with("label", "bell\x07"),
      with("label", "csi\xC2\x9B"),
      with("kdf", kdf_as_string),
      with("kdf", kdf_negative),
      with("kdf", kdf_float),
      with("kdf", kdf_extra),
      with("kdf", "argon2id13"),
      with("extra", true),
      without("nonce"),
      without("label"),
      good.dump() + " trailing",
  };
  for (const std::string& text : cases) {
    EXPECT_EQ(ErrorCode(OpenKeystore(text, kPassphrase)), "keystore.malformed") << text.substr(0, 200);
    EXPECT_EQ(ErrorCode(ParseKeystorePublic(text)), "keystore.malformed") << text.substr(0, 200);
  }
}

TEST(Keystore, OtherFormatsAndOutOfRangeCostAreUnsupported) {
  Json good = Json::parse(Seal(KeyFromByte(12)));
  Json v2 = good;
  v2["format"] = "jobcard-keystore-v2";
  Json scrypt = good;
  scrypt["kdf"]["alg"] = "scrypt";
  Json huge_memory = good;
  huge_memory["kdf"]["memlimit"] = std::uint64_t{1} << 40;  // refused before running: no 1 TiB allocation
  Json huge_ops = good;
  huge_ops["kdf"]["opslimit"] = 1000;
  Json zero_ops = good;
  zero_ops["kdf"]["opslimit"] = 0;
  for (const Json& doc : {v2, scrypt, huge_memory, huge_ops, zero_ops}) {
    EXPECT_EQ(ErrorCode(OpenKeystore(doc.dump(), kPassphrase)), "keystore.unsupported_format") << doc.dump();
  }
}

TEST(Keystore, WritingRefusesBadLabelsAndCost) {
  SigningKey key = KeyFromByte(13);
  auto code = [&](const KeystoreWriteOptions& options) {
    auto r = SealKeystore(key, kPassphrase, options);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(FastOptions(std::string(kMaxKeystoreLabelBytes, 'a'))), "ok");
  EXPECT_EQ(code(FastOptions(std::string(kMaxKeystoreLabelBytes + 1, 'a'))), "keystore.bad_label");
  EXPECT_EQ(code(FastOptions("line\nbreak")), "keystore.bad_label");
  EXPECT_EQ(code(FastOptions("\x1b[31mred")), "keystore.bad_label");
  EXPECT_EQ(code(FastOptions("not utf-8 \xff")), "keystore.bad_label");
  KeystoreWriteOptions too_cheap = FastOptions();
  too_cheap.kdf.memlimit_bytes = crypto_pwhash_MEMLIMIT_MIN - 1;
  EXPECT_EQ(code(too_cheap), "keystore.bad_kdf_params");
}

// ---- files -----------------------------------------------------------------

TEST(KeystoreFile, IsWrittenWithMode0600WhateverTheUmask) {
  TempDir dir;
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
    const fs::path path = dir / ("key-" + std::to_string(mask));
    mode_t old = ::umask(mask);
    Status written = WriteKeystore(path, KeyFromByte(14), kPassphrase, FastOptions());
    ::umask(old);
    ASSERT_EQ(ErrorCode(written), "ok");
    EXPECT_EQ(ModeOf(path), 0600u) << "umask " << mask;
  }
}

TEST(KeystoreFile, LeavesNoTemporaryFilesBehind) {
  TempDir dir;
  ASSERT_EQ(ErrorCode(WriteKeystore(dir / "a.key", KeyFromByte(15), kPassphrase, FastOptions())), "ok");
  EXPECT_EQ(ErrorCode(WriteKeystore(dir / "a.key", KeyFromByte(16), kPassphrase, FastOptions())), "keystore.exists");
  KeystoreWriteOptions force = FastOptions();
  force.force = true;
  ASSERT_EQ(ErrorCode(WriteKeystore(dir / "a.key", KeyFromByte(16), kPassphrase, force)), "ok");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"a.key"});
}

TEST(KeystoreFile, ExistingFileIsKeptUnlessForced) {
  TempDir dir;
  const fs::path path = dir / "k";
  ASSERT_EQ(ErrorCode(WriteKeystore(path, KeyFromByte(17), kPassphrase, FastOptions())), "ok");
  const std::string before = ReadRaw(path);

  EXPECT_EQ(ErrorCode(WriteKeystore(path, KeyFromByte(18), kPassphrase, FastOptions())), "keystore.exists");
  EXPECT_EQ(ReadRaw(path), before);

  KeystoreWriteOptions force = FastOptions();
  force.force = true;
  ASSERT_EQ(ErrorCode(WriteKeystore(path, KeyFromByte(18), kPassphrase, force)), "ok");
  auto read = ReadKeystore(path, kPassphrase);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->public_key(), KeyFromByte(18).public_key());
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST(KeystoreFile, GroupOrOtherAccessIsRefusedWithAChmodHint) {
  TempDir dir;
  const fs::path path = dir / "k";
  ASSERT_EQ(ErrorCode(WriteKeystore(path, KeyFromByte(19), kPassphrase, FastOptions())), "ok");
  for (mode_t mode : {0644, 0640, 0604, 0660, 0610, 0601, 0700 | 0004}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto read = ReadKeystore(path, kPassphrase);
    ASSERT_EQ(ErrorCode(read), "keystore.insecure_mode") << std::oct << mode;
    EXPECT_NE(read.error().message.find("chmod 600"), std::string::npos) << read.error().message;
  }
  // The public part reveals nothing secret and stays readable.
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(ErrorCode(ReadKeystorePublic(path)), "ok");
  for (mode_t mode : {0600, 0400}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_EQ(ErrorCode(ReadKeystore(path, kPassphrase)), "ok") << std::oct << mode;
  }
}

TEST(KeystoreFile, MissingDirectoryAndSpecialFilesGiveClearCodes) {
  TempDir dir;
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "absent", kPassphrase)), "keystore.not_found");
  EXPECT_EQ(ErrorCode(ReadKeystorePublic(dir / "absent")), "keystore.not_found");
  EXPECT_EQ(ErrorCode(ReadKeystore(dir.path(), kPassphrase)), "keystore.not_a_file");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "fifo", kPassphrase)), "keystore.not_a_file");  // and does not hang

  EXPECT_EQ(ErrorCode(WriteKeystore(dir.path(), KeyFromByte(20), kPassphrase, FastOptions())), "keystore.not_a_file");
  EXPECT_EQ(ErrorCode(WriteKeystore(dir.path().string() + "/", KeyFromByte(20), kPassphrase, FastOptions())),
            "keystore.not_a_file");
  EXPECT_EQ(ErrorCode(WriteKeystore(dir / "no" / "such" / "k", KeyFromByte(20), kPassphrase, FastOptions())),
            "keystore.io");
}

TEST(KeystoreFile, TruncatedFileIsMalformed) {
  TempDir dir;
  const std::string text = Seal(KeyFromByte(21));
  WriteRaw(dir / "k", text.substr(0, text.size() / 2));
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "k", kPassphrase)), "keystore.malformed");
  WriteRaw(dir / "empty", "");
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "empty", kPassphrase)), "keystore.malformed");
}

TEST(KeystoreFile, SizeBoundIsExactAndCheckedBeforeParsing) {
  TempDir dir;
  SigningKey key = KeyFromByte(22);
  const std::string text = Seal(key);
  // Trailing whitespace keeps the JSON valid, so only the size can refuse it.
  std::string at_bound = text + std::string(kMaxKeystoreFileBytes - text.size(), ' ');
  WriteRaw(dir / "at", at_bound);
  auto read = ReadKeystore(dir / "at", kPassphrase);
  ASSERT_TRUE(read.ok()) << read.error().code;
  EXPECT_EQ(read->public_key(), key.public_key());

  WriteRaw(dir / "over", at_bound + " ");
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "over", kPassphrase)), "keystore.too_large");
  EXPECT_EQ(ErrorCode(ReadKeystorePublic(dir / "over")), "keystore.too_large");
  EXPECT_EQ(ErrorCode(OpenKeystore(at_bound + " ", kPassphrase)), "keystore.too_large");
  WriteRaw(dir / "huge", std::string(10 * kMaxKeystoreFileBytes, '{'));
  EXPECT_EQ(ErrorCode(ReadKeystore(dir / "huge", kPassphrase)), "keystore.too_large");
}

}  // namespace
}  // namespace jobcard::crypto
