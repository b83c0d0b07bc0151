// File-taking options of the real `jobcard` executable against what a
// hostile or careless path can be (RELIABILITY.md "Hostile clients", path
// traversal; cli/README.md "Files and paths" is the policy):
//   - an output never replaces an existing file, or a symlink, or writes
//     through one, without --force (and --force replaces the link itself);
//   - an input must be a regular file: a FIFO or a device is refused at
//     once (no hang, no unbounded read);
//   - a relative path in node.json stays inside the home.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

namespace fs = std::filesystem;

class FileOptionsCli : public ::testing::Test {
 protected:
  ProcessResult Jobcard(const std::vector<std::string>& args) {
    return RunProcess(JOBCARD_BINARY, args, dir_.path(), {{"JOBCARD_PASSPHRASE", "correct horse battery"}});
  }
  fs::path Path(const std::string& name) const { return dir_.path() / name; }
  void Write(const std::string& name, const std::string& text) { std::ofstream(Path(name)) << text; }
  std::string Read(const std::string& name) const {
    std::ifstream in(Path(name));
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // A key file made by `key new`, and its public key.
  std::string NewKey(const std::string& name) {
    ProcessResult r = Jobcard({"key", "new", "--out", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Jobcard({"key", "export-public", name}).out.substr(0, 64);
  }
  void ExpectRefused(const ProcessResult& r, const std::string& code) {
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find(code), std::string::npos) << r.err;
  }

  TempDir dir_;
};

TEST_F(FileOptionsCli, KeyNewNeitherReplacesNorWritesThroughASymlinkWithoutForce) {
  Write("precious.txt", "the user's own file\n");
  fs::create_symlink("precious.txt", Path("link.key"));
  fs::create_symlink("nowhere/precious.key", Path("dangling.key"));
  ExpectRefused(Jobcard({"key", "new", "--out", "link.key"}), "keystore.exists");
  ExpectRefused(Jobcard({"key", "new", "--out", "dangling.key"}), "keystore.exists");
  EXPECT_EQ(Read("precious.txt"), "the user's own file\n");
  EXPECT_FALSE(fs::exists(Path("nowhere")));
  // --force replaces the link with the key file; what it pointed at is untouched.
  ProcessResult forced = Jobcard({"key", "new", "--out", "link.key", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(fs::is_symlink(Path("link.key")));
  EXPECT_TRUE(fs::is_regular_file(Path("link.key")));
  EXPECT_EQ(Read("precious.txt"), "the user's own file\n");
}

TEST_F(FileOptionsCli, BundleCreateNeverReplacesAnExistingFileOrLink) {
  NewKey("worker.key");
  const std::string audience = NewKey("matcher.key");
  Write("precious.json", "{}\n");
  fs::create_symlink("precious.json", Path("link.json"));
  for (const char* out : {"precious.json", "link.json"}) {
    // Refused before the node is asked anything (the --node here answers nothing).
    ProcessResult r = Jobcard({"bundle", "create", "--subject-key", "worker.key", "--subject", std::string(64, 'a'),
                               "--audience", audience, "--entry", std::string(64, 'c'), "--out", out,
                               "--node", "http://127.0.0.1:9"});
    ExpectRefused(r, "bundle.exists");
  }
  EXPECT_EQ(Read("precious.json"), "{}\n");
  EXPECT_TRUE(fs::is_symlink(Path("link.json")));
}

TEST_F(FileOptionsCli, InputsThatAreNotRegularFilesAreRefusedAtOnce) {
  ASSERT_EQ(::mkfifo(Path("fifo").c_str(), 0600), 0);
  const std::string genesis = "/dev/null";  // a device: refused as not a regular file
  const std::string matcher = std::string(64, 'b');
  ExpectRefused(Jobcard({"verify", "bundle.json", "--genesis", "fifo", "--matcher", matcher}), "genesis.not_a_file");
  ExpectRefused(Jobcard({"verify", "bundle.json", "--genesis", "/dev/zero", "--matcher", matcher}), "genesis.not_a_file");
  ExpectRefused(Jobcard({"verify", "bundle.json", "--genesis", genesis, "--matcher", matcher}), "genesis.not_a_file");
  ExpectRefused(Jobcard({"verify", "bundle.json", "--genesis", "missing.json", "--matcher", matcher}), "genesis.not_found");
  ExpectRefused(Jobcard({"bundle", "receipts", "--bundle", "fifo"}), "bundle.not_a_file");
  ExpectRefused(Jobcard({"bundle", "receipts", "--bundle", "/dev/zero"}), "bundle.not_a_file");
  ExpectRefused(Jobcard({"key", "show", "fifo"}), "keystore.not_a_file");
  ExpectRefused(Jobcard({"key", "export-public", "/dev/zero"}), "keystore.not_a_file");
  ExpectRefused(Jobcard({"history", "--subject-key", "fifo", "--subject", std::string(64, 'a'), "--node",
                         "http://127.0.0.1:9"}),
                "not_a_file");
}

TEST_F(FileOptionsCli, AVerifiedBundleFileMustBeARegularFile) {
  ProcessResult init = Jobcard({"node", "init", "--dev", "--home", "net"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ASSERT_EQ(::mkfifo(Path("fifo").c_str(), 0600), 0);
  ExpectRefused(Jobcard({"verify", "fifo", "--genesis", "net/genesis.json", "--matcher", std::string(64, 'b')}),
                "bundle.not_a_file");
}

TEST_F(FileOptionsCli, NodeStartRefusesANodeJsonThatReachesOutOfTheHome) {
  ProcessResult init = Jobcard({"node", "init", "--dev", "--home", "net"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  fs::copy_file(Path("net/keys/validator.key"), Path("outside.key"));
  std::ofstream(Path("net/node.json"), std::ios::trunc)
      << R"({"validator_key_file": "../outside.key", "api_listen": "127.0.0.1:0"})" << "\n";
  ProcessResult start = Jobcard({"node", "start", "--home", "net"});
  EXPECT_NE(start.exit_code, 0);
  EXPECT_NE(start.err.find("inside the home"), std::string::npos) << start.err;
}

}  // namespace
}  // namespace jobcard::testing
