// One thread beside the node's event loop for work that must not hold the
// loop up: the consensus host verifies and admits gossiped transactions here
// (a signature verification each, thousands a second under load), so that
// proposals and votes are handled while a burst of transactions is.
//
// Bounded: at most `max_queued` units wait, a job weighing what its caller
// says (the host: the transactions of a gossiped batch, so the bound holds
// the memory it held when each job was one transaction); Post refuses more
// (the caller drops the batch, as a full send queue does; gossip and clients
// resend). The destructor stops the thread after the job it is running;
// jobs not started are dropped.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>

namespace jobcard::node {

class OffLoopWorker {
 public:
  explicit OffLoopWorker(std::size_t max_queued) : max_queued_(max_queued) {}
  ~OffLoopWorker();
  OffLoopWorker(const OffLoopWorker&) = delete;
  OffLoopWorker& operator=(const OffLoopWorker&) = delete;

  // Runs `job` on the worker thread; false (and not run) when it would make
  // more than `max_queued` units wait.
  bool Post(std::function<void()> job, std::size_t weight = 1);
  std::size_t queued() const { return queued_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  const std::size_t max_queued_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<std::uint64_t> refused_{0};
  boost::asio::thread_pool pool_{1};
};

}  // namespace jobcard::node
