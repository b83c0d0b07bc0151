// HttpListener: the listening socket and its accept loop. Each accepted
// connection gets its own strand and is admitted, refused with 503, or
// closed by the session registry. Held by shared_ptr from its pending
// handlers, so it outlives the HttpServer that started it if need be.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <memory>

#include "crypto/result.h"
#include "node/http/server_core.h"

namespace jobcard::node::http_internal {

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  HttpListener(boost::asio::io_context& io_context, std::shared_ptr<ServerCore> core);

  // Binds and listens, synchronously; errors are http.listen.
  Status Open(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const { return port_; }
  void Start();
  // Any thread: closes the acceptor; the accept loop ends.
  void Stop();

 private:
  void Accept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_context_;
  std::shared_ptr<ServerCore> core_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace jobcard::node::http_internal
