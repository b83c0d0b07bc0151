#include "tests/support/bench_devnet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "cli/devnet_home.h"
#include "crypto/keystore.h"
#include "tests/support/fixtures.h"
#include "tests/support/process_probe.h"
#include "tests/support/run_process.h"

namespace jobcard::testing {

namespace {

Error Failed(const std::string& message) { return MakeError("bench_devnet.failed", message); }

// Forks `binary args...` with stdout and stderr appended to `log_file`.
pid_t SpawnLogged(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& log_file) {
  std::vector<std::string> argv_strings{binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fd);
  return pid;
}

bool Exited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

Result<BenchDevnet> BenchDevnet::Create(const std::string& jobcard_binary, const std::filesystem::path& dir,
                                        std::size_t validators, std::uint16_t base_port) {
  auto init = RunProcess(jobcard_binary,
                         {"devnet", "init", "--validators", std::to_string(validators), "--home", dir.string(),
                          "--base-port", std::to_string(base_port)},
                         std::filesystem::current_path(), {{"JOBCARD_PASSPHRASE", std::nullopt}});
  if (init.exit_code != 0) return Failed("jobcard devnet init failed: " + init.err);
  BenchDevnet net;
  net.binary_ = jobcard_binary;
  for (std::size_t i = 0; i < validators; ++i) {
    const auto home = dir / ("node" + std::to_string(i));
    auto config = node::LoadNodeConfig(home);
    if (!config.ok()) return config.error();
    const std::string& listen = config->api_listen;
    net.homes_.push_back(home);
    net.api_ports_.push_back(static_cast<std::uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1))));
  }
  return net;
}

BenchDevnet::BenchDevnet(BenchDevnet&& other) noexcept
    : binary_(std::move(other.binary_)),
      homes_(std::move(other.homes_)),
      api_ports_(std::move(other.api_ports_)),
      pids_(std::move(other.pids_)) {
  other.pids_.clear();
}

BenchDevnet::~BenchDevnet() { StopAll(std::chrono::seconds(10)); }

std::string BenchDevnet::log(std::size_t i) const {
  std::ifstream in(homes_[i] / "node.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

double BenchDevnet::NodesCpuSeconds() const {
  double total = 0;
  for (pid_t pid : pids_) {
    if (pid > 0) total += CpuSeconds(pid).value_or(0);
  }
  return total;
}

Status BenchDevnet::EditNodeConfigs(const std::function<void(node::NodeConfig&)>& edit) {
  for (const auto& home : homes_) {
    auto config = node::LoadNodeConfig(home);
    if (!config.ok()) return config.error();
    edit(*config);
    std::ofstream out(home / node::kNodeConfigFileName, std::ios::trunc);
    out << node::NodeConfigToJson(*config).dump(2) << "\n";
    if (!out.flush()) return Failed("cannot write " + (home / node::kNodeConfigFileName).string());
  }
  return Status::Ok();
}

Status BenchDevnet::StartAll(std::chrono::milliseconds timeout) {
  for (const auto& home : homes_) {
    const pid_t pid = SpawnLogged(binary_, {"node", "start", "--home", home.string()}, home / "node.log");
    if (pid < 0) return Failed("cannot start a node in " + home.string());
    pids_.push_back(pid);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (std::size_t i = 0; i < homes_.size(); ++i) {
    while (log(i).find("api listening") == std::string::npos) {
      if (Exited(pids_[i])) {
        pids_[i] = -1;
        return Failed("node " + std::to_string(i) + " exited:\n" + log(i));
      }
      if (std::chrono::steady_clock::now() > deadline) return Failed("node " + std::to_string(i) + " did not start:\n" + log(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return Status::Ok();
}

void BenchDevnet::StopAll(std::chrono::milliseconds grace) {
  for (pid_t pid : pids_) {
    if (pid > 0) ::kill(pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (pid_t& pid : pids_) {
    while (pid > 0 && !Exited(pid)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid = -1;
  }
}

Result<TestChain> TestChainFromDevnetHome(const std::filesystem::path& home) {
  auto genesis = ledger::LoadGenesisFile((home / "genesis.json").string());
  if (!genesis.ok()) return genesis.error();
  if (genesis->employers.size() < 2) return Failed("the devnet genesis has fewer than two employers");
  const ByteView passphrase = AsBytes(cli::kDevnetPassphrase);
  auto read = [&](const std::string& file) { return crypto::ReadKeystore(home / "keys" / file, passphrase); };
  auto registrar = read("registrar.key");
  auto validator = read("validator.key");
  const ledger::CorporateNumber a = genesis->employers[0].id, b = genesis->employers[1].id;
  auto employer_a = read("employer-" + a.str() + ".key");
  auto employer_b = read("employer-" + b.str() + ".key");
  for (const auto* key : {&registrar, &validator, &employer_a, &employer_b}) {
    if (!key->ok()) return key->error();
  }
  return TestChain{std::move(*genesis),    std::move(*registrar),  std::move(*validator), std::move(*employer_a),
                   std::move(*employer_b), KeyFromByte(0x20),      a,                     b};
}

}  // namespace jobcard::testing
