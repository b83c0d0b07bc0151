// SessionRegistry: admission of new connections against max_connections and
// the list of live sessions that Stop() must close. Thread-safe: the accept
// loop, sessions ending on io threads and Stop() on the owner's thread all
// meet here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace jobcard::node::http_internal {

class HttpSession;

enum class Admission {
  kServe,   // a free slot: serve the connection
  kReject,  // over capacity: answer 503 and close
  kDrop,    // stopping, or too many already being rejected: close at once
};

class SessionRegistry {
 public:
  // max_rejecting bounds the connections held briefly to answer 503, so a
  // flood costs at most max_serving + max_rejecting descriptors.
  SessionRegistry(std::size_t max_serving, std::size_t max_rejecting)
      : max_serving_(max_serving), max_rejecting_(max_rejecting) {}

  // Decides, counts and (unless kDrop) records the session; `id` names it
  // for Release.
  Admission Admit(const std::shared_ptr<HttpSession>& session, std::uint64_t& id);
  // From the session's destructor, with what Admit said.
  void Release(std::uint64_t id, Admission admission);
  // Refuses every later Admit and returns the sessions still alive.
  std::vector<std::shared_ptr<HttpSession>> BeginStop();

 private:
  const std::size_t max_serving_;
  const std::size_t max_rejecting_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::size_t serving_ = 0;
  std::size_t rejecting_ = 0;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> sessions_;
};

}  // namespace jobcard::node::http_internal
