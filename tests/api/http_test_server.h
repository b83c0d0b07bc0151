// A fixture running an HttpServer on 127.0.0.1 (ephemeral port) with its
// io_context on a background thread, and the routes the API tests use.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ledger/json_fields.h"
#include "node/http/http_server.h"
#include "tests/support/http_client.h"

namespace jobcard::testing {

namespace http = boost::beast::http;
using node::HttpLimits;
using node::HttpRequest;
using node::HttpResponse;
using namespace std::chrono_literals;

inline void AddTestRoutes(node::HttpServer& server) {
  server.Route(http::verb::get, "/v1/ping", [](const HttpRequest&) {
    return HttpResponse::Json(http::status::ok, {{"pong", true}});
  });
  // Echoes what the server made of the request.
  auto echo = [](const HttpRequest& request) {
    return HttpResponse::Json(http::status::ok, {{"route", request.route},
                                                 {"path", request.path},
                                                 {"params", request.path_params},
                                                 {"query", request.query_params},
                                                 {"body_bytes", request.body.size()},
                                                 {"x_test", request.Header("x-test").value_or("<absent>")}});
  };
  server.Route(http::verb::get, "/v1/blocks/{height}", echo);
  server.Route(http::verb::get, "/v1/blocks/latest", echo);
  server.Route(http::verb::get, "/v1/subjects/{id}/history", echo);
  server.Route(http::verb::put, "/v1/blocks/{height}", echo);
  // Parses its body as the real API will, to show the body arrives intact.
  server.Route(
      http::verb::post, "/v1/parse",
      [](const HttpRequest& request) {
        auto parsed = ledger::ParseJson(request.body, 1024 * 1024);
        if (!parsed.ok()) return HttpResponse::Failure(http::status::bad_request, parsed.error());
        return HttpResponse::Json(http::status::ok, {{"parsed", *parsed}});
      },
      node::RouteOptions{.json_body = true});
  server.Route(http::verb::get, "/v1/throw", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("secret internal detail");
  });
  server.Route(http::verb::get, "/metrics", [](const HttpRequest&) {
    return HttpResponse::Raw(http::status::ok, "jobcard_up 1\n", "text/plain; version=0.0.4");
  });
}

class HttpServerTest : public ::testing::Test {
 protected:
  static HttpLimits ShortLimits() {
    HttpLimits limits;
    limits.request_timeout = 1s;
    limits.idle_keepalive_timeout = 2s;
    limits.linger_timeout = 1s;
    return limits;
  }

  // io_threads > 1 runs the io_context on several threads, as a node may;
  // `routes` registers what the server answers (the test routes by default).
  void StartServer(HttpLimits limits = ShortLimits(), int io_threads = 1,
                   const std::function<void(node::HttpServer&)>& routes = AddTestRoutes) {
    server_ = std::make_unique<node::HttpServer>(io_, limits);
    routes(*server_);
    Status listening = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(listening.ok()) << listening.error().message;
    ASSERT_NE(server_->port(), 0);
    io_done_ = io_finished_.get_future();
    io_thread_ = std::thread([this, io_threads] {
      std::vector<std::thread> more;
      for (int i = 1; i < io_threads; ++i) more.emplace_back([this] { io_.run(); });
      io_.run();
      for (std::thread& thread : more) thread.join();
      io_finished_.set_value();
    });
  }

  // Stops the server; the io_context must then run out of work on its own.
  void StopServer() {
    if (!io_thread_.joinable()) return;
    if (server_) server_->Stop();
    if (io_done_.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "the io_context kept running 10 s after Stop()";
      io_.stop();
    }
    io_thread_.join();
    server_.reset();
  }

  void TearDown() override { StopServer(); }

  std::uint16_t port() const { return server_->port(); }

  HttpResult Get(std::string_view target, const HttpHeaderList& headers = {}) {
    return Request("127.0.0.1", port(), "GET", target, {}, headers);
  }
  HttpResult Raw(std::string_view bytes) { return RawExchange("127.0.0.1", port(), bytes); }

  static std::string Code(const HttpResult& result) {
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    if (body.is_object() && body.contains("code") && body["code"].is_string()) return body["code"].get<std::string>();
    return "<no code in: " + result.body + ">";
  }
  static nlohmann::json Body(const HttpResult& result) { return nlohmann::json::parse(result.body, nullptr, false); }

  // Polls a condition on the server for at most `limit`.
  bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 3s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (condition()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return condition();
  }

  boost::asio::io_context io_;
  std::unique_ptr<node::HttpServer> server_;
  std::promise<void> io_finished_;
  std::future<void> io_done_;
  std::thread io_thread_;
};

}  // namespace jobcard::testing
