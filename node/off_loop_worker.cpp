#include "node/off_loop_worker.h"

#include <boost/asio/post.hpp>

namespace jobcard::node {

OffLoopWorker::~OffLoopWorker() {
  pool_.stop();
  pool_.join();
}

bool OffLoopWorker::Post(std::function<void()> job, std::size_t weight) {
  if (queued_.fetch_add(weight) + weight > max_queued_) {
    queued_.fetch_sub(weight);
    refused_.fetch_add(1);
    return false;
  }
  boost::asio::post(pool_, [this, weight, job = std::move(job)] {
    queued_.fetch_sub(weight);
    job();
  });
  return true;
}

}  // namespace jobcard::node
