// FakeNode: a small HTTP/1.1 server on 127.0.0.1 (a port the kernel picks)
// that impersonates a node for CLI tests (issue 4): a test answers the
// routes it wants to lie about and leaves the rest to a real node behind it
// (a DevNode's port) or to 404. It lets a test show that the CLI refuses a
// node that answers empty pages forever, too much, malformed JSON, slowly or
// inconsistently, with a clear error and in bounded time.
//
// Bounded: one request per connection (Connection: close), request heads of
// at most 16 KiB and no bodies over 1 MiB, 5 s to send a request; answers
// are whatever the test returns (that is the point). One io thread serves
// every connection in turn; an answer's delay does not hold the others.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace jobcard::testing {

struct FakeAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Waited before answering: a node that is slow or never answers in time.
  std::chrono::milliseconds delay{0};
  // false: no Content-Length, the body runs until the connection closes.
  bool send_length = true;
};

class FakeNode {
 public:
  // `answer` sees the method and the target (path and query) of each
  // request; std::nullopt passes it on to the node at 127.0.0.1:upstream_port
  // (0: none, answered 404 http.not_found).
  using Answerer = std::function<std::optional<FakeAnswer>(const std::string& method, const std::string& target)>;

  explicit FakeNode(Answerer answer, std::uint16_t upstream_port = 0);
  ~FakeNode();
  FakeNode(const FakeNode&) = delete;
  FakeNode& operator=(const FakeNode&) = delete;

  std::uint16_t port() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // Requests answered so far, and those whose target starts with `prefix`.
  std::uint64_t requests() const { return requests_.load(); }
  std::uint64_t RequestsTo(const std::string& prefix) const;

  // What a real node answered for `target`, for tests that alter it.
  static std::optional<FakeAnswer> Fetch(std::uint16_t port, const std::string& target);

 private:
  struct Server;
  std::unique_ptr<Server> server_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace jobcard::testing
