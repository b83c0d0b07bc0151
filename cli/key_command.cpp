// `jobcard key`: create and inspect encrypted key files (crypto/keystore.h).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/passphrase.h"
#include "crypto/keystore.h"

namespace jobcard::cli {
namespace {

constexpr const char* kKeyUsage =
    "usage: jobcard key <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  new            create a new key and write it, encrypted, to a key file\n"
    "  show           unlock a key file and print its label and public keys\n"
    "  export-public  print a key file's public key (no passphrase needed)\n"
    "\n"
    "jobcard key <subcommand> --help shows each one's options.\n";

constexpr const char* kNewUsage =
    "usage: jobcard key new --out FILE [--label TEXT] [--force]\n"
    "\n"
    "Creates a new Ed25519 key and writes it to FILE (mode 0600), encrypted\n"
    "under a passphrase (Argon2id + XChaCha20-Poly1305). Prints the public key.\n"
    "\n"
    "  --out FILE     the key file to create\n"
    "  --label TEXT   a note stored with the key, e.g. the employer and purpose\n"
    "  --force        replace FILE if it exists (the old key is lost)\n"
    "\n"
    "The passphrase is read from $JOBCARD_PASSPHRASE if set, else asked twice\n"
    "on the terminal.\n";

constexpr const char* kShowUsage =
    "usage: jobcard key show FILE [--json]\n"
    "\n"
    "Unlocks FILE with its passphrase (proving the passphrase is right) and\n"
    "prints the label, the Ed25519 public key and the X25519 public key that\n"
    "payloads are encrypted to. Never prints the secret key.\n"
    "\n"
    "  --json         print one JSON object instead of text\n"
    "\n"
    "The passphrase is read from $JOBCARD_PASSPHRASE if set, else asked on the\n"
    "terminal.\n";

constexpr const char* kExportPublicUsage =
    "usage: jobcard key export-public FILE [--json]\n"
    "\n"
    "Prints FILE's Ed25519 public key in hex, without asking for the passphrase.\n"
    "The key is what the file states; `jobcard key show` proves it.\n"
    "\n"
    "  --json         print {\"public_key\": ..., \"label\": ...} instead\n";

int PrintUsage(const char* usage, std::FILE* out, int exit_code) {
  std::fputs(usage, out);
  return exit_code;
}

int Fail(const char* subcommand, const Error& error) {
  std::fprintf(stderr, "jobcard key %s: %s [%s]\n", subcommand, error.message.c_str(), error.code.c_str());
  if (error.code == "keystore.exists") std::fputs("(use --force to replace it)\n", stderr);
  return kExitFailure;
}

int UsageError(const char* subcommand, const std::string& message, const char* usage) {
  std::fprintf(stderr, "jobcard key %s: %s\n\n%s", subcommand, message.c_str(), usage);
  return kExitUsage;
}

int RunNew(const Words& words) {
  if (WantsHelp(words)) return PrintUsage(kNewUsage, stdout, kExitOk);
  auto args = Args::Parse(words, OptionSpec{{"out", "label"}, {"force"}});
  if (!args.ok()) return UsageError("new", args.error().message, kNewUsage);
  if (!args->positional().empty()) {
    return UsageError("new", "unexpected argument '" + args->positional()[0] + "'", kNewUsage);
  }
  auto out = args->Get("out");
  if (!out) return UsageError("new", "--out FILE is required", kNewUsage);
  crypto::KeystoreWriteOptions options;
  options.label = args->GetOr("label", "");
  options.force = args->Switch("force");

  // Refuse a bad --out before asking for a passphrase twice.
  if (Status can = crypto::CheckKeystoreTarget(*out, options.force); !can.ok()) return Fail("new", can.error());
  auto passphrase = GetPassphrase(PassphraseUse::kCreate, "Passphrase for the new key file " + *out + ": ");
  if (!passphrase.ok()) return Fail("new", passphrase.error());

  crypto::SigningKey key = crypto::SigningKey::Generate();
  if (Status written = crypto::WriteKeystore(*out, key, passphrase->view(), options); !written.ok()) {
    return Fail("new", written.error());
  }
  std::printf("public key: %s\nfile:       %s\n", ToHex(key.public_key()).c_str(), out->c_str());
  return kExitOk;
}

// show and export-public take one FILE and an optional --json.
Result<Args> ParseFileArgs(const Words& words) {
  auto args = Args::Parse(words, OptionSpec{{}, {"json"}});
  if (!args.ok()) return args.error();
  if (args->positional().size() != 1) return MakeError("cli.usage", "expected exactly one FILE");
  return args;
}

int RunShow(const Words& words) {
  if (WantsHelp(words)) return PrintUsage(kShowUsage, stdout, kExitOk);
  auto args = ParseFileArgs(words);
  if (!args.ok()) return UsageError("show", args.error().message, kShowUsage);
  const std::string& file = args->positional()[0];

  auto passphrase = GetPassphrase(PassphraseUse::kUnlock, "Passphrase for " + file + ": ");
  if (!passphrase.ok()) return Fail("show", passphrase.error());
  auto unlocked = crypto::UnlockKeystore(file, passphrase->view());
  if (!unlocked.ok()) return Fail("show", unlocked.error());
  auto x25519 = crypto::X25519PublicKeyOf(unlocked->key.public_key());
  if (!x25519.ok()) return Fail("show", x25519.error());

  const std::string public_hex = ToHex(unlocked->key.public_key());
  const std::string& label = unlocked->info.label;
  if (args->Switch("json")) {
    PrintJson({{"file", file}, {"label", label}, {"public_key", public_hex}, {"x25519_public_key", ToHex(*x25519)}});
  } else {
    std::printf("file:              %s\nlabel:             %s\npublic key:        %s\nx25519 public key: %s\n",
                file.c_str(), label.empty() ? "(none)" : label.c_str(), public_hex.c_str(),
                ToHex(*x25519).c_str());
  }
  return kExitOk;
}

int RunExportPublic(const Words& words) {
  if (WantsHelp(words)) return PrintUsage(kExportPublicUsage, stdout, kExitOk);
  auto args = ParseFileArgs(words);
  if (!args.ok()) return UsageError("export-public", args.error().message, kExportPublicUsage);
  auto info = crypto::ReadKeystorePublic(args->positional()[0]);
  if (!info.ok()) return Fail("export-public", info.error());

  if (args->Switch("json")) {
    PrintJson({{"public_key", ToHex(info->public_key)}, {"label", info->label}});
  } else {
    std::puts(ToHex(info->public_key).c_str());
  }
  return kExitOk;
}

struct Subcommand {
  const char* name;
  int (*run)(const Words&);
};

constexpr Subcommand kSubcommands[] = {
    {"new", RunNew},
    {"show", RunShow},
    {"export-public", RunExportPublic},
};

}  // namespace

int RunKeyCommand(const Words& words) {
  if (words.empty()) return PrintUsage(kKeyUsage, stderr, kExitUsage);
  const std::string& name = words[0];
  if (name == "-h" || name == "--help" || name == "help") return PrintUsage(kKeyUsage, stdout, kExitOk);
  Words rest(words.begin() + 1, words.end());
  for (const Subcommand& sub : kSubcommands) {
    if (name == sub.name) return sub.run(rest);
  }
  std::fprintf(stderr, "jobcard key: unknown subcommand '%s'\n\n%s", name.c_str(), kKeyUsage);
  return kExitUsage;
}

}  // namespace jobcard::cli
