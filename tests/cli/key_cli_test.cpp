// End-to-end: the real `jobcard key` executable in a temporary directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "crypto/keystore.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::cli {
namespace {

using jobcard::testing::EnvChanges;
using jobcard::testing::ProcessResult;
using jobcard::testing::TempDir;

constexpr const char* kPassphrase = "tsukuba-2025 correct horse";

class KeyCli : public ::testing::Test {
 protected:
  ProcessResult Jobcard(const std::vector<std::string>& args,
                        std::optional<std::string> passphrase = kPassphrase) {
    return jobcard::testing::RunProcess(JOBCARD_BINARY, args, dir_.path(),
                                        EnvChanges{{"JOBCARD_PASSPHRASE", std::move(passphrase)}});
  }

  // Runs `key new` and returns the public key it printed.
  std::string NewKey(const std::string& file, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"key", "new", "--out", file};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult r = Jobcard(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string prefix = "public key: ";
    EXPECT_EQ(r.out.rfind(prefix, 0), 0u) << r.out;
    return r.out.size() >= prefix.size() + 64 ? r.out.substr(prefix.size(), 64) : std::string();
  }

  TempDir dir_;
};

bool IsLowerHex(const std::string& s, std::size_t length) {
  return s.size() == length && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(KeyCli, NewShowAndExportPublicAgreeOnThePublicKey) {
  const std::string public_hex = NewKey("hr.key", {"--label", "株式会社サンプル 人事部"});
  ASSERT_TRUE(IsLowerHex(public_hex, 64)) << public_hex;

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "hr.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  // The file holds the key the command printed; the test decrypts it itself.
  auto key = crypto::ReadKeystore(dir_ / "hr.key", AsBytes(kPassphrase));
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(ToHex(key->public_key()), public_hex);
  const std::string x25519_hex = ToHex(*crypto::X25519PublicKeyOf(key->public_key()));

  ProcessResult show = Jobcard({"key", "show", "hr.key"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("public key:        " + public_hex + "\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("x25519 public key: " + x25519_hex + "\n"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("label:             株式会社サンプル 人事部\n"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find(ToHex(key->seed())), std::string::npos) << "the seed must never be printed";

  ProcessResult show_json = Jobcard({"key", "show", "hr.key", "--json"});
  ASSERT_EQ(show_json.exit_code, 0) << show_json.err;
  auto shown = nlohmann::json::parse(show_json.out);
  EXPECT_EQ(shown["public_key"], public_hex);
  EXPECT_EQ(shown["x25519_public_key"], x25519_hex);
  EXPECT_EQ(shown["label"], "株式会社サンプル 人事部");
  EXPECT_EQ(show_json.out.find(ToHex(key->seed())), std::string::npos);

  // export-public needs no passphrase at all.
  ProcessResult exported = Jobcard({"key", "export-public", "hr.key"}, std::nullopt);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out, public_hex + "\n");

  ProcessResult exported_json = Jobcard({"key", "export-public", "hr.key", "--json"}, std::nullopt);
  ASSERT_EQ(exported_json.exit_code, 0) << exported_json.err;
  EXPECT_EQ(nlohmann::json::parse(exported_json.out)["public_key"], public_hex);
}

TEST_F(KeyCli, EachNewKeyIsFresh) {
  std::string a = NewKey("a.key");
  std::string b = NewKey("b.key");
  EXPECT_TRUE(IsLowerHex(a, 64));
  EXPECT_NE(a, b);
}

TEST_F(KeyCli, WrongPassphraseExitsOneWithAReadableMessage) {
  NewKey("k.key");
  ProcessResult r = Jobcard({"key", "show", "k.key"}, std::string("not the passphrase"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("wrong passphrase or the file was altered"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("keystore.wrong_passphrase"), std::string::npos) << r.err;
}

TEST_F(KeyCli, MissingFileExitsOne) {
  for (const char* sub : {"show", "export-public"}) {
    ProcessResult r = Jobcard({"key", sub, "absent.key"});
    EXPECT_EQ(r.exit_code, 1) << sub;
    EXPECT_NE(r.err.find("keystore.not_found"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("absent.key"), std::string::npos) << r.err;
  }
}

TEST_F(KeyCli, ExistingFileIsKeptWithoutForceAndReplacedWithIt) {
  const std::string first = NewKey("k.key");
  ProcessResult again = Jobcard({"key", "new", "--out", "k.key"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("keystore.exists"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(Jobcard({"key", "export-public", "k.key"}).out, first + "\n");

  const std::string second = NewKey("k.key", {"--force"});
  EXPECT_NE(second, first);
  EXPECT_EQ(Jobcard({"key", "export-public", "k.key"}).out, second + "\n");
}

TEST_F(KeyCli, OutThatIsADirectoryIsRefused) {
  std::filesystem::create_directory(dir_ / "keys");
  for (const char* out : {"keys", "keys/", "."}) {
    ProcessResult r = Jobcard({"key", "new", "--out", out});
    EXPECT_EQ(r.exit_code, 1) << out;
    EXPECT_NE(r.err.find("keystore.not_a_file"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "keys"));
}

TEST_F(KeyCli, InsecureModeIsRefusedWithAHint) {
  NewKey("k.key");
  ASSERT_EQ(::chmod((dir_ / "k.key").c_str(), 0644), 0);
  ProcessResult r = Jobcard({"key", "show", "k.key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("keystore.insecure_mode"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
}

TEST_F(KeyCli, NoPassphraseAndNoTerminalIsAClearError) {
  ProcessResult r = Jobcard({"key", "new", "--out", "k.key"}, std::nullopt);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("JOBCARD_PASSPHRASE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cli.no_passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "k.key"));
}

TEST_F(KeyCli, EmptyPassphraseIsRefusedForANewKey) {
  ProcessResult r = Jobcard({"key", "new", "--out", "k.key"}, std::string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("keystore.weak_passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "k.key"));
}

TEST_F(KeyCli, HelpExitsZeroWithUsage) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"key", "--help"}, "usage: jobcard key <subcommand>"},
      {{"key", "new", "--help"}, "usage: jobcard key new --out FILE"},
      {{"key", "show", "-h"}, "usage: jobcard key show FILE"},
      {{"key", "export-public", "--help"}, "usage: jobcard key export-public FILE"},
  };
  for (const auto& [args, usage] : cases) {
    ProcessResult r = Jobcard(args);
    EXPECT_EQ(r.exit_code, 0) << args[1];
    EXPECT_EQ(r.out.rfind(usage, 0), 0u) << r.out;
  }
  ProcessResult top = Jobcard({"--help"});
  EXPECT_NE(top.out.find("  key "), std::string::npos) << top.out;
}

TEST_F(KeyCli, UsageErrorsExitTwo) {
  const std::vector<std::string> cases[] = {
      {"key"},
      {"key", "rotate"},
      {"key", "new"},
      {"key", "new", "--out"},
      {"key", "new", "--out", "k.key", "--colour"},
      {"key", "new", "--out", "k.key", "extra"},
      {"key", "show"},
      {"key", "show", "a.key", "b.key"},
      {"key", "export-public", "--json"},
  };
  for (const auto& args : cases) {
    ProcessResult r = Jobcard(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_NE(r.err.find("usage:"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "k.key"));
}

}  // namespace
}  // namespace jobcard::cli
