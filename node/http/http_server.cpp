#include "node/http/http_server.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <cstdlib>

#include "node/http/http_listener.h"
#include "node/http/http_session.h"
#include "node/http/server_core.h"

namespace jobcard::node {

namespace net = boost::asio;

namespace {
// Routes are fixed by the node's code at start-up: a bad one is a bug, and
// failing loudly then beats serving a half-registered API.
[[noreturn]] void RouteBug(const std::string& what) {
  std::fprintf(stderr, "HttpServer::Route: %s\n", what.c_str());
  std::abort();
}
}  // namespace

HttpServer::HttpServer(net::io_context& io_context, HttpLimits limits)
    : io_context_(io_context), core_(std::make_shared<http_internal::ServerCore>(limits)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(boost::beast::http::verb method, std::string pattern, HttpHandler handler,
                       RouteOptions options) {
  if (listener_ || stopped_) RouteBug("called after Listen or Stop: " + pattern);
  if (options.max_body_bytes > kMaxRouteBodyBytes) RouteBug("body limit over kMaxRouteBodyBytes: " + pattern);
  if (options.max_body_bytes != 0) {
    core_->largest_body_bytes = std::max(core_->largest_body_bytes, options.max_body_bytes);
    core_->routes_limit_bodies = true;
  }
  Status added = core_->router.Add(method, std::move(pattern), std::move(handler), options);
  if (!added.ok()) RouteBug(added.error().message);
}

Status HttpServer::Listen(const std::string& host, std::uint16_t port) {
  if (stopped_) return MakeError("http.stopped", "the server was stopped");
  if (listener_) return MakeError("http.already_listening", "the server is already listening");
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return MakeError("http.bad_address", "not an IP address: " + host);
  auto listener = std::make_shared<http_internal::HttpListener>(io_context_, core_);
  JOBCARD_TRY_STATUS(listener->Open(net::ip::tcp::endpoint(address, port)));
  port_ = listener->port();
  listener_ = std::move(listener);
  listener_->Start();
  return Status::Ok();
}

void HttpServer::Stop() {
  if (stopped_.exchange(true)) return;
  if (listener_) listener_->Stop();
  for (const auto& session : core_->registry.BeginStop()) session->Shutdown();
}

HttpStats HttpServer::Snapshot() const { return core_->metrics.Snapshot(); }

}  // namespace jobcard::node
