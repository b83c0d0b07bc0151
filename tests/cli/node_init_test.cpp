// End-to-end: the real `jobcard node init` in a temporary directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "node/node_config.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::cli {
namespace {

using jobcard::testing::EnvChanges;
using jobcard::testing::ProcessResult;
using jobcard::testing::TempDir;

class NodeInitCli : public ::testing::Test {
 protected:
  // Without a passphrase in the environment: the dev passphrase is used.
  ProcessResult Jobcard(const std::vector<std::string>& args, std::optional<std::string> passphrase = std::nullopt) {
    return jobcard::testing::RunProcess(JOBCARD_BINARY, args, dir_.path(),
                                        EnvChanges{{"JOBCARD_PASSPHRASE", std::move(passphrase)}});
  }

  std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static unsigned Mode(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  crypto::PublicKey KeyIn(const std::filesystem::path& file, const std::string& passphrase = "devnet") {
    auto key = crypto::ReadKeystore(file, AsBytes(passphrase));
    EXPECT_TRUE(key.ok()) << file << ": " << (key.ok() ? "" : key.error().message);
    return key.ok() ? key->public_key() : crypto::PublicKey{};
  }

  TempDir dir_;
};

TEST_F(NodeInitCli, CreatesAValidDevnetHome) {
  ProcessResult r = Jobcard({"node", "init", "--dev", "--home", "net"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("not secret"), std::string::npos) << r.err;
  const auto home = dir_ / "net";

  auto genesis = ledger::LoadGenesisFile((home / "genesis.json").string());
  ASSERT_TRUE(genesis.ok()) << genesis.error().message;
  EXPECT_EQ(genesis->chain_id, "jobcard-devnet");
  EXPECT_GT(genesis->genesis_time_ms, 1700000000000u);
  ASSERT_EQ(genesis->registrar_keys.size(), 1u);
  EXPECT_EQ(genesis->registrar_threshold, 1u);
  // Half the chain default: a devnet at issue 5's load keeps its p50 under 1.5 s.
  EXPECT_EQ(genesis->params.block_interval_ms, 500u);
  EXPECT_NE(genesis->params.block_interval_ms, ledger::ChainParams{}.block_interval_ms);
  ASSERT_EQ(genesis->validators.size(), 1u);
  EXPECT_EQ(genesis->validators[0].name, "devnet-validator-0");
  ASSERT_EQ(genesis->matchers.size(), 1u);
  EXPECT_EQ(genesis->matchers[0].name, "札幌プロ人材センター");
  ASSERT_EQ(genesis->employers.size(), 2u);
  EXPECT_EQ(genesis->employers[0].name, "北海道精密工業株式会社");
  EXPECT_EQ(genesis->employers[1].name, "東京商事株式会社");

  // Each key file opens with the dev passphrase and holds the genesis key.
  EXPECT_EQ(KeyIn(home / "keys/registrar.key"), genesis->registrar_keys[0]);
  EXPECT_EQ(KeyIn(home / "keys/validator.key"), genesis->validators[0].key);
  EXPECT_EQ(KeyIn(home / "keys/matcher.key"), genesis->matchers[0].key);
  for (const auto& employer : genesis->employers) {
    const auto file = home / ("keys/employer-" + employer.id.str() + ".key");
    ASSERT_EQ(employer.keys.size(), 1u);
    EXPECT_EQ(KeyIn(file), employer.keys[0]);
    EXPECT_EQ(Mode(file), 0600u);
    EXPECT_NE(r.out.find(employer.id.str()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(employer.name), std::string::npos) << r.out;
  }

  EXPECT_EQ(Mode(home / "keys"), 0700u);
  for (const char* key : {"registrar.key", "validator.key", "matcher.key", "registrar-pseudonym.key"}) {
    EXPECT_EQ(Mode(home / "keys" / key), 0600u) << key;
  }
  const std::string pseudonym = Read(home / "keys/registrar-pseudonym.key");
  EXPECT_EQ(pseudonym.size(), 65u);
  EXPECT_TRUE(FromHex(pseudonym.substr(0, 64)).ok()) << pseudonym;

  auto config = node::LoadNodeConfig(home);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(node::NodeConfigToJson(*config), node::NodeConfigToJson(node::NodeConfig{}));
  EXPECT_TRUE(std::filesystem::exists(home / "node.json"));

  const std::string readme = Read(home / "README.txt");
  for (const char* mentioned : {"genesis.json", "node.json", "keys/validator.key", "keys/registrar-pseudonym.key", "devnet"}) {
    EXPECT_NE(readme.find(mentioned), std::string::npos) << mentioned;
  }
  EXPECT_NE(r.out.find("jobcard node start --home net"), std::string::npos) << r.out;
}

TEST_F(NodeInitCli, TheHomeDefaultsToDevnet) {
  ProcessResult r = Jobcard({"node", "init", "--dev"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(ledger::LoadGenesisFile((dir_ / "devnet/genesis.json").string()).ok());
}

TEST_F(NodeInitCli, KeysUseThePassphraseFromTheEnvironment) {
  ProcessResult r = Jobcard({"node", "init", "--dev", "--home", "net"}, "kushiro harbour 1987");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("\"devnet\""), std::string::npos) << r.err;
  auto genesis = ledger::LoadGenesisFile((dir_ / "net/genesis.json").string());
  ASSERT_TRUE(genesis.ok());
  EXPECT_EQ(KeyIn(dir_ / "net/keys/validator.key", "kushiro harbour 1987"), genesis->validators[0].key);
  EXPECT_FALSE(crypto::ReadKeystore(dir_ / "net/keys/validator.key", AsBytes("devnet")).ok());
}

TEST_F(NodeInitCli, AnInitialisedHomeIsLeftAloneWithoutForce) {
  ASSERT_EQ(Jobcard({"node", "init", "--dev", "--home", "net"}).exit_code, 0);
  const std::string genesis = Read(dir_ / "net/genesis.json");
  const std::string validator = Read(dir_ / "net/keys/validator.key");

  ProcessResult again = Jobcard({"node", "init", "--dev", "--home", "net"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("node_init.exists"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(Read(dir_ / "net/genesis.json"), genesis);
  EXPECT_EQ(Read(dir_ / "net/keys/validator.key"), validator);

  ProcessResult forced = Jobcard({"node", "init", "--dev", "--home", "net", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(Read(dir_ / "net/genesis.json"), genesis);
  EXPECT_NE(Read(dir_ / "net/keys/validator.key"), validator);
  auto replaced = ledger::LoadGenesisFile((dir_ / "net/genesis.json").string());
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(KeyIn(dir_ / "net/keys/validator.key"), replaced->validators[0].key);
}

TEST_F(NodeInitCli, AHalfInitialisedHomeAlsoNeedsForce) {
  std::filesystem::create_directories(dir_ / "net/keys");
  std::ofstream(dir_ / "net/keys/registrar.key") << "not mine";
  ProcessResult r = Jobcard({"node", "init", "--dev", "--home", "net"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("keys/registrar.key"), std::string::npos) << r.err;
  EXPECT_EQ(Read(dir_ / "net/keys/registrar.key"), "not mine");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "net/genesis.json"));
}

TEST_F(NodeInitCli, WithoutDevItIsAUsageError) {
  ProcessResult r = Jobcard({"node", "init", "--home", "net"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only --dev"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "net"));
}

TEST_F(NodeInitCli, UnknownOptionsAreUsageErrors) {
  EXPECT_EQ(Jobcard({"node", "init", "--dev", "--homes", "net"}).exit_code, 2);
  EXPECT_EQ(Jobcard({"node", "init", "--dev", "extra"}).exit_code, 2);
}

TEST_F(NodeInitCli, AnEmptyPassphraseIsRefusedBeforeWriting) {
  ProcessResult r = Jobcard({"node", "init", "--dev", "--home", "net"}, "");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("JOBCARD_PASSPHRASE"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "net"));
}

TEST_F(NodeInitCli, HelpExplainsAndExitsZero) {
  ProcessResult r = Jobcard({"node", "init", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--dev"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("JOBCARD_PASSPHRASE"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "devnet"));
}

}  // namespace
}  // namespace jobcard::cli
