#include "tests/support/fake_node.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"

namespace jobcard::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr std::uint32_t kMaxHeadBytes = 16 * 1024;
constexpr std::uint64_t kMaxBodyBytes = 1024 * 1024;
constexpr auto kReadLimit = std::chrono::seconds(5);
constexpr auto kWriteLimit = std::chrono::seconds(30);
constexpr auto kUpstreamTimeout = std::chrono::seconds(10);

// One connection: read a request, answer it, close.
struct Exchange : std::enable_shared_from_this<Exchange> {
  explicit Exchange(tcp::socket socket) : stream(std::move(socket)), timer(stream.get_executor()) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  http::response<http::string_body> response;
  net::steady_timer timer;
};
}  // namespace

struct FakeNode::Server {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  Answerer answer;
  std::uint16_t upstream_port = 0;
  std::atomic<std::uint64_t>* requests = nullptr;
  mutable std::mutex targets_mutex;
  std::vector<std::string> targets;

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: the fake node is going away
      auto exchange = std::make_shared<Exchange>(std::move(socket));
      exchange->parser.header_limit(kMaxHeadBytes);
      exchange->parser.body_limit(kMaxBodyBytes);
      exchange->stream.expires_after(kReadLimit);
      http::async_read(exchange->stream, exchange->buffer, exchange->parser,
                       [this, exchange](beast::error_code read_ec, std::size_t) {
                         if (!read_ec) Answer(exchange);
                       });
      Accept();
    });
  }

  std::optional<FakeAnswer> Forward(const std::string& method, const std::string& target, const std::string& body,
                                    const std::string& content_type) const {
    HttpHeaderList headers;
    if (!content_type.empty()) headers.push_back({"Content-Type", content_type});
    HttpResult result = Request("127.0.0.1", upstream_port, method, target, body, headers, kUpstreamTimeout);
    if (!result.ok) return FakeAnswer{502, R"({"code":"fake.upstream","message":"the real node did not answer"})"};
    return FakeAnswer{result.status, result.body};
  }

  void Answer(const std::shared_ptr<Exchange>& exchange) {
    const auto& request = exchange->parser.get();
    const std::string method(request.method_string());
    const std::string target(request.target());
    {
      std::lock_guard lock(targets_mutex);
      targets.push_back(target);
    }
    ++*requests;
    std::optional<FakeAnswer> canned = answer(method, target);
    if (!canned && upstream_port != 0) {
      canned = Forward(method, target, request.body(), std::string(request[http::field::content_type]));
    }
    if (!canned) canned = FakeAnswer{404, R"({"code":"http.not_found","message":"no such resource"})"};
    auto& response = exchange->response;
    response.version(11);
    response.result(static_cast<unsigned>(canned->status));
    response.set(http::field::content_type, canned->content_type);
    response.keep_alive(false);
    response.body() = std::move(canned->body);
    if (canned->send_length) response.prepare_payload();
    exchange->timer.expires_after(canned->delay);
    exchange->timer.async_wait([exchange](beast::error_code) {
      exchange->stream.expires_after(kWriteLimit);
      http::async_write(exchange->stream, exchange->response, [exchange](beast::error_code, std::size_t) {
        beast::error_code ignored;
        exchange->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    });
  }
};

FakeNode::FakeNode(Answerer answer, std::uint16_t upstream_port) : server_(std::make_unique<Server>()) {
  server_->answer = std::move(answer);
  server_->upstream_port = upstream_port;
  server_->requests = &requests_;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  server_->acceptor.open(endpoint.protocol());
  server_->acceptor.bind(endpoint);
  server_->acceptor.listen();
  server_->Accept();
  server_->thread = std::thread([server = server_.get()] { server->io.run(); });
}

FakeNode::~FakeNode() {
  server_->io.stop();
  server_->thread.join();
}

std::uint16_t FakeNode::port() const {
  beast::error_code ec;
  return server_->acceptor.local_endpoint(ec).port();
}

std::uint64_t FakeNode::RequestsTo(const std::string& prefix) const {
  std::lock_guard lock(server_->targets_mutex);
  std::uint64_t count = 0;
  for (const auto& target : server_->targets) count += target.rfind(prefix, 0) == 0 ? 1 : 0;
  return count;
}

std::optional<FakeAnswer> FakeNode::Fetch(std::uint16_t port, const std::string& target) {
  Server forwarder;
  forwarder.upstream_port = port;
  return forwarder.Forward("GET", target, "", "");
}

}  // namespace jobcard::testing
