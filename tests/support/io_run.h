// Driving a test's io_context: run it in 10 ms slices until a condition
// holds or a deadline passes. Shared by the p2p tests and the consensus
// clusters (in memory and over TCP).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace jobcard::testing {

// True if `done()` became true before `limit` ran out.
inline bool RunIoUntil(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace jobcard::testing
