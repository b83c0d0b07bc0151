#include "node/off_loop_worker.h"

#include <boost/asio/post.hpp>

namespace jobcard::node {

OffLoopWorker::~OffLoopWorker() {
  pool_.stop();
  pool_.join();
}

bool OffLoopWorker::Post(std::function<void()> job) {
  if (queued_.fetch_add(1) >= max_queued_) {
    queued_.fetch_sub(1);
    refused_.fetch_add(1);
    return false;
  }
  boost::asio::post(pool_, [this, job = std::move(job)] {
    queued_.fetch_sub(1);
    job();
  });
  return true;
}

}  // namespace jobcard::node
