// A child process the test can watch and kill: for crash tests and tests
// that run a long-lived node. stdout is a pipe the test reads; stderr is
// inherited so a failing child explains itself in the test log.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace jobcard::testing {

class ChildProcess {
 public:
  // With merge_stderr the child's stderr goes to the same pipe as stdout
  // (for programs that log to stderr, such as the node).
  ChildProcess(const std::string& program, const std::vector<std::string>& args, bool merge_stderr = false) {
    std::vector<std::string> argv_strings{program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      if (merge_stderr) ::dup2(out[1], 2);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_fd_ = out[0];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Appends what the child prints within `duration` (or until it closes stdout).
  // Reads what the child writes for up to `duration`, and whatever is
  // already waiting even when the duration is over: a short duration (1 ms,
  // DevnetCluster::Drain) used to truncate to 0 ms before the first poll and
  // read nothing, so a chatty child filled the pipe and blocked on its log.
  void ReadFor(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    char buf[4096];
    // Bounded: a child that writes faster than we read must not keep us here.
    for (int reads = 0; out_fd_ >= 0 && reads < 1024; ++reads) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0))) <= 0) break;
      ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) {
        ::close(out_fd_);
        out_fd_ = -1;
        break;
      }
      output_.append(buf, static_cast<std::size_t>(n));
    }
  }
  // Reads until stdout contains `needle` or `timeout` passes.
  bool WaitForOutput(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline && out_fd_ >= 0) {
      ReadFor(std::chrono::milliseconds(50));
    }
    return output_.find(needle) != std::string::npos;
  }

  void Signal(int sig) {
    if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
  }
  // Waits for exit; returns the exit code, or 128 + signal.
  int Wait() {
    if (reaped_) return status_;
    int raw = 0;
    ::waitpid(pid_, &raw, 0);
    reaped_ = true;
    status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return status_;
  }
  // The exit code (as Wait) if the child has ended, else -1; never blocks.
  int TryWait() {
    if (reaped_) return status_;
    int raw = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &raw, WNOHANG) != pid_) return -1;
    reaped_ = true;
    status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return status_;
  }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool reaped_ = false;
  int status_ = -1;
  std::string output_;
};

}  // namespace jobcard::testing
