#include "tests/support/raw_http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

namespace jobcard::testing {

namespace {

int MillisLeft(RawHttpClient::Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 1'000'000));
}

// Case-insensitive search for a header's value in a response head.
std::string HeaderValue(std::string_view head, std::string_view name) {
  std::size_t at = 0;
  while ((at = head.find("\r\n", at)) != std::string_view::npos) {
    at += 2;
    if (head.size() - at < name.size() + 1) break;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) same = std::tolower(head[at + i]) == std::tolower(name[i]);
    if (same && head[at + name.size()] == ':') {
      const std::size_t end = head.find("\r\n", at);
      std::string value(head.substr(at + name.size() + 1, end - at - name.size() - 1));
      value.erase(0, value.find_first_not_of(' '));
      return value;
    }
  }
  return "";
}

}  // namespace

RawAnswer ParseRawAnswer(std::string_view raw, bool closed) {
  RawAnswer answer;
  answer.closed = closed;
  if (raw.size() < 12 || raw.substr(0, 9) != "HTTP/1.1 ") return answer;
  answer.status = std::atoi(std::string(raw.substr(9, 3)).c_str());
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return answer;
  answer.body = std::string(raw.substr(head_end + 4));
  const nlohmann::json parsed = nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("code") && parsed["code"].is_string() && parsed.contains("message") &&
      parsed["message"].is_string()) {
    answer.json_error = true;
    answer.code = parsed["code"].get<std::string>();
  }
  return answer;
}

RawHttpClient::~RawHttpClient() { Close(); }

RawHttpClient::RawHttpClient(RawHttpClient&& other) noexcept
    : fd_(other.fd_), peer_closed_(other.peer_closed_), received_(std::move(other.received_)) {
  other.fd_ = -1;
}

RawHttpClient& RawHttpClient::operator=(RawHttpClient&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    peer_closed_ = other.peer_closed_;
    received_ = std::move(other.received_);
    other.fd_ = -1;
  }
  return *this;
}

bool RawHttpClient::Connect(std::uint16_t port, Deadline deadline, const std::string& source) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
      Close();
      return false;
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    Close();
    return false;
  }
  pollfd p{fd_, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  if (::poll(&p, 1, MillisLeft(deadline)) != 1 || ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0 ||
      error != 0) {
    Close();
    return false;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

RawHttpClient::SendOutcome RawHttpClient::Send(std::string_view bytes, Deadline deadline) {
  if (fd_ < 0) return SendOutcome::kFailed;
  while (!bytes.empty()) {
    if (ServerSpoke()) return SendOutcome::kServerSpoke;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT | POLLIN, 0};
      if (::poll(&p, 1, std::min(MillisLeft(deadline), 50)) == 0 && MillisLeft(deadline) == 0) {
        return SendOutcome::kFailed;
      }
      continue;
    }
    // Reset or broken pipe: the server may have answered first.
    return ServerSpoke() ? SendOutcome::kServerSpoke : SendOutcome::kFailed;
  }
  return SendOutcome::kSent;
}

bool RawHttpClient::ReadAvailable() {
  char buffer[16 * 1024];
  while (true) {
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      // The attacker keeps at most one answer's worth; answers are small.
      if (received_.size() < 1024 * 1024) received_.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    peer_closed_ = true;  // 0: orderly close; else reset
    return false;
  }
}

bool RawHttpClient::ServerSpoke() {
  if (fd_ < 0) return true;
  if (!peer_closed_) ReadAvailable();
  return peer_closed_ || !received_.empty();
}

RawAnswer RawHttpClient::ReadAnswer(Deadline deadline) {
  while (fd_ >= 0 && !peer_closed_) {
    ReadAvailable();
    const std::size_t head_end = received_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const std::string length = HeaderValue(std::string_view(received_).substr(0, head_end), "Content-Length");
      const std::size_t body_bytes = length.empty() ? 0 : std::stoull(length);
      if (received_.size() >= head_end + 4 + body_bytes) break;
    }
    if (peer_closed_ || MillisLeft(deadline) == 0) break;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, std::min(MillisLeft(deadline), 100));
  }
  RawAnswer answer = ParseRawAnswer(received_, peer_closed_);
  received_.clear();
  return answer;
}

std::size_t RawHttpClient::PushUntilStopped(std::size_t limit, Deadline deadline, int& error) {
  const std::string filler(64 * 1024, 'a');
  std::size_t accepted = 0;
  error = 0;
  while (fd_ >= 0 && accepted < limit) {
    const ssize_t n = ::send(fd_, filler.data(), std::min(filler.size(), limit - accepted), MSG_NOSIGNAL);
    if (n > 0) {
      accepted += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, MillisLeft(deadline)) <= 0) break;  // the deadline: the kernel takes no more
      continue;
    }
    error = errno;
    break;
  }
  return accepted;
}

void RawHttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  peer_closed_ = false;
  received_.clear();
}

}  // namespace jobcard::testing
