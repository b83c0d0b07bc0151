// The keystore document: JSON text <-> header + encrypted seed. No filesystem.
#include <sodium.h>

#include <exception>
#include <nlohmann/json.hpp>

#include "crypto/hash.h"
#include "crypto/keystore.h"
#include "crypto/sodium_init.h"

namespace jobcard::crypto {
namespace {

using Json = nlohmann::ordered_json;  // ordered so that files read top-down: format first

constexpr std::string_view kKdfAlgorithm = "argon2id13";
constexpr std::string_view kAssociatedDataTag = "jobcard.keystore.v1";
constexpr std::uint64_t kMaxOpslimit = 32;
constexpr std::uint64_t kMaxMemlimitBytes = crypto_pwhash_MEMLIMIT_SENSITIVE;  // 1 GiB
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kCiphertextBytes = kSeedSize + kTagBytes;

constexpr std::size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

using Salt = FixedBytes<kSaltBytes>;
using Nonce = FixedBytes<kNonceBytes>;

struct Document {
  KeystorePublicInfo info;
  Salt salt{};
  Nonce nonce{};
  Bytes ciphertext;
};

Error Malformed(const std::string& what) {
  return MakeError("keystore.malformed", "not a valid key file: " + what);
}

bool KdfInRange(const KdfParams& kdf) {
  return kdf.opslimit >= crypto_pwhash_OPSLIMIT_MIN && kdf.opslimit <= kMaxOpslimit &&
         kdf.memlimit_bytes >= crypto_pwhash_MEMLIMIT_MIN && kdf.memlimit_bytes <= kMaxMemlimitBytes;
}

std::string KdfRangeText() {
  return "opslimit " + std::to_string(crypto_pwhash_OPSLIMIT_MIN) + ".." + std::to_string(kMaxOpslimit) +
         ", memlimit " + std::to_string(crypto_pwhash_MEMLIMIT_MIN) + ".." +
         std::to_string(kMaxMemlimitBytes) + " bytes";
}

// The label is printed on terminals, so it must not carry control
// characters (C0, DEL, or C1 as UTF-8 0xC2 0x80..0x9F) that could rewrite
// the screen. UTF-8 validity is enforced by the JSON library both ways.
const char* LabelProblem(std::string_view label) {
  if (label.size() > kMaxKeystoreLabelBytes) return "the label is longer than 256 bytes";
  for (std::size_t i = 0; i < label.size(); ++i) {
    auto c = static_cast<unsigned char>(label[i]);
    bool c1 = c == 0xC2 && i + 1 < label.size() && (static_cast<unsigned char>(label[i + 1]) & 0xE0) == 0x80;
    if (c < 0x20 || c == 0x7F || c1) return "the label contains a control character";
  }
  return nullptr;
}

void AppendU64(Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// u32 length prefix, as in the canonical encoding (spec/encoding.md).
void AppendText(Bytes& out, std::string_view text) {
  auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
  ByteView bytes = AsBytes(text);
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// Binds every header field to the ciphertext. Built from the parsed values,
// not the JSON text, so whitespace or key order cannot matter.
Bytes AssociatedData(const KeystorePublicInfo& info, const Salt& salt) {
  Bytes out = DomainPrefix(kAssociatedDataTag);
  AppendText(out, kKeystoreFormat);
  AppendText(out, kKdfAlgorithm);
  AppendU64(out, info.kdf.opslimit);
  AppendU64(out, info.kdf.memlimit_bytes);
  out.insert(out.end(), salt.begin(), salt.end());
  out.insert(out.end(), info.public_key.begin(), info.public_key.end());
  AppendText(out, info.label);
  return out;
}

Result<SecureBuffer> DeriveKey(ByteView passphrase, const Salt& salt, const KdfParams& kdf) {
  static const char kEmpty = '\0';  // libsodium wants a pointer even for length 0
  const char* pass = passphrase.empty() ? &kEmpty : reinterpret_cast<const char*>(passphrase.data());
  SecureBuffer key(kKeyBytes);
  if (crypto_pwhash(key.data(), key.size(), pass, passphrase.size(), salt.data(), kdf.opslimit,
                    static_cast<std::size_t>(kdf.memlimit_bytes), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError("keystore.kdf_failed",
                     "Argon2id could not run with " + std::to_string(kdf.memlimit_bytes) +
                         " bytes of memory");
  }
  return key;
}

Result<std::string_view> StringField(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return Malformed(std::string("\"") + name + "\" must be a string");
  return std::string_view(it->get_ref<const std::string&>());
}

template <std::size_t N>
Result<FixedBytes<N>> HexField(const Json& object, const char* name) {
  auto text = StringField(object, name);
  if (!text.ok()) return text.error();
  auto bytes = FixedFromHex<N>(*text);
  if (!bytes.ok()) return Malformed(std::string("\"") + name + "\": " + bytes.error().message);
  return bytes;
}

Result<std::uint64_t> UnsignedField(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) {
    return Malformed(std::string("\"") + name + "\" must be a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

Status OnlyFields(const Json& object, std::initializer_list<std::string_view> names) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (std::string_view name : names) known = known || key == name;
    if (!known) return Malformed("unknown field \"" + key + "\"");
  }
  return Status::Ok();
}

Result<KdfParams> ParseKdf(const Json& doc) {
  auto it = doc.find("kdf");
  if (it == doc.end() || !it->is_object()) return Malformed("\"kdf\" must be an object");
  const Json& kdf = *it;
  JOBCARD_TRY_STATUS(OnlyFields(kdf, {"alg", "opslimit", "memlimit"}));
  auto alg = StringField(kdf, "alg");
  if (!alg.ok()) return alg.error();
  if (*alg != kKdfAlgorithm) {
    return MakeError("keystore.unsupported_format", "unsupported KDF \"" + std::string(*alg) + "\"");
  }
  auto ops = UnsignedField(kdf, "opslimit");
  if (!ops.ok()) return ops.error();
  auto mem = UnsignedField(kdf, "memlimit");
  if (!mem.ok()) return mem.error();
  KdfParams params{*ops, *mem};
  if (!KdfInRange(params)) {
    return MakeError("keystore.unsupported_format", "KDF parameters outside the supported range (" + KdfRangeText() + ")");
  }
  return params;
}

Result<Document> ParseFields(const Json& doc) {
  if (!doc.is_object()) return Malformed("not a JSON object");
  auto format = StringField(doc, "format");
  if (!format.ok()) return format.error();
  if (*format != kKeystoreFormat) {
    return MakeError("keystore.unsupported_format", "unsupported key file format \"" + std::string(*format) +
                                                        "\" (this build reads " + std::string(kKeystoreFormat) + ")");
  }
  JOBCARD_TRY_STATUS(OnlyFields(doc, {"format", "kdf", "salt", "nonce", "ciphertext", "public_key", "label"}));
  auto kdf = ParseKdf(doc);
  if (!kdf.ok()) return kdf.error();
  auto salt = HexField<kSaltBytes>(doc, "salt");
  if (!salt.ok()) return salt.error();
  auto nonce = HexField<kNonceBytes>(doc, "nonce");
  if (!nonce.ok()) return nonce.error();
  auto ciphertext = HexField<kCiphertextBytes>(doc, "ciphertext");
  if (!ciphertext.ok()) return ciphertext.error();
  auto public_key = HexField<std::tuple_size_v<PublicKey>>(doc, "public_key");
  if (!public_key.ok()) return public_key.error();
  auto label = StringField(doc, "label");
  if (!label.ok()) return label.error();
  if (const char* problem = LabelProblem(*label)) return Malformed(problem);

  Document out;
  out.info = KeystorePublicInfo{*public_key, std::string(*label), *kdf};
  out.salt = *salt;
  out.nonce = *nonce;
  out.ciphertext.assign(ciphertext->begin(), ciphertext->end());
  return out;
}

Result<Document> Parse(std::string_view text) {
  if (text.size() > kMaxKeystoreFileBytes) {
    return MakeError("keystore.too_large", "a key file is at most " + std::to_string(kMaxKeystoreFileBytes) + " bytes");
  }
  // The non-throwing parse reports syntax errors as a discarded value; the
  // catch is for what it can still throw (allocation), which must not leave
  // this module as an exception.
  try {
    Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Malformed("not JSON");
    return ParseFields(doc);
  } catch (const std::exception& e) {
    return Malformed(e.what());
  }
}

}  // namespace

KdfParams KdfParams::Interactive() {
  return KdfParams{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Result<std::string> SealKeystore(const SigningKey& key, ByteView passphrase,
                                 const KeystoreWriteOptions& options) {
  EnsureSodium();
  if (passphrase.empty() && !options.allow_empty_passphrase) {
    return MakeError("keystore.weak_passphrase", "the passphrase is empty; choose one");
  }
  if (!KdfInRange(options.kdf)) {
    return MakeError("keystore.bad_kdf_params", "KDF parameters outside the supported range (" + KdfRangeText() + ")");
  }
  if (const char* problem = LabelProblem(options.label)) return MakeError("keystore.bad_label", problem);

  KeystorePublicInfo info{key.public_key(), options.label, options.kdf};
  Salt salt{};
  Nonce nonce{};
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  auto aead_key = DeriveKey(passphrase, salt, info.kdf);
  if (!aead_key.ok()) return aead_key.error();

  Bytes ad = AssociatedData(info, salt);
  ByteView seed = key.seed();
  Bytes ciphertext(kCiphertextBytes);
  crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext.data(), nullptr, seed.data(), seed.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), aead_key->data());

  Json doc = {
      {"format", kKeystoreFormat},
      {"kdf", {{"alg", kKdfAlgorithm}, {"opslimit", info.kdf.opslimit}, {"memlimit", info.kdf.memlimit_bytes}}},
      {"salt", ToHex(salt)},
      {"nonce", ToHex(nonce)},
      {"ciphertext", ToHex(ciphertext)},
      {"public_key", ToHex(info.public_key)},
      {"label", info.label},
  };
  try {
    return doc.dump(2) + "\n";
  } catch (const Json::type_error&) {  // the one string a caller chose is not UTF-8
    return MakeError("keystore.bad_label", "the label is not valid UTF-8");
  }
}

Result<UnlockedKeystore> OpenKeystore(std::string_view text, ByteView passphrase) {
  EnsureSodium();
  auto doc = Parse(text);
  if (!doc.ok()) return doc.error();
  auto aead_key = DeriveKey(passphrase, doc->salt, doc->info.kdf);
  if (!aead_key.ok()) return aead_key.error();

  Bytes ad = AssociatedData(doc->info, doc->salt);
  SecureBuffer seed(kSeedSize);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed.data(), nullptr, nullptr, doc->ciphertext.data(),
                                                 doc->ciphertext.size(), ad.data(), ad.size(),
                                                 doc->nonce.data(), aead_key->data()) != 0) {
    return MakeError("keystore.wrong_passphrase", "wrong passphrase or the file was altered");
  }
  auto key = SigningKey::FromSeed(seed.view());
  if (!key.ok()) return key.error();
  // Only someone who knew the passphrase could have made this file, but a
  // key that signs as someone else must never be handed out.
  if (key->public_key() != doc->info.public_key) {
    return MakeError("keystore.public_key_mismatch",
                     "the key file's seed does not give its stated public key " + ToHex(doc->info.public_key));
  }
  return UnlockedKeystore{std::move(key).value(), std::move(doc->info)};
}

Result<KeystorePublicInfo> ParseKeystorePublic(std::string_view text) {
  auto doc = Parse(text);
  if (!doc.ok()) return doc.error();
  return std::move(doc->info);
}

}  // namespace jobcard::crypto
