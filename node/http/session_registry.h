// SessionRegistry: admission of new connections against max_connections and
// max_connections_per_address, and the list of live sessions that Stop()
// must close. Thread-safe: the accept loop, sessions ending on io threads and
// Stop() on the owner's thread all meet here. Pure bookkeeping: it knows a
// connection's source only as the text of its address, so it is tested
// without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace jobcard::node::http_internal {

class HttpSession;

enum class Admission {
  kServe,          // a free slot: serve the connection
  kReject,         // over capacity: answer 503 and close
  kRejectAddress,  // its address holds its share already: answer 429 and close
  kDrop,           // stopping, or too many already being rejected: close at once
};

class SessionRegistry {
 public:
  // max_rejecting bounds the connections held briefly to answer 503 or 429,
  // so a flood costs at most max_serving + max_rejecting descriptors.
  // max_serving_per_address keeps one source from taking every slot.
  SessionRegistry(std::size_t max_serving, std::size_t max_serving_per_address, std::size_t max_rejecting)
      : max_serving_(max_serving), max_serving_per_address_(max_serving_per_address), max_rejecting_(max_rejecting) {}

  // Decides, counts and (unless kDrop) records the session from `address`
  // (the source IP as text); `id` names it for Release.
  Admission Admit(const std::shared_ptr<HttpSession>& session, const std::string& address, std::uint64_t& id);
  // From the session's destructor, with what Admit said.
  void Release(std::uint64_t id, Admission admission);
  // Refuses every later Admit and returns the sessions still alive.
  std::vector<std::shared_ptr<HttpSession>> BeginStop();

  // Connections being served from `address` now (for tests).
  std::size_t ServingFrom(const std::string& address) const;

 private:
  struct Entry {
    std::weak_ptr<HttpSession> session;
    std::string address;  // set for served sessions only
  };

  const std::size_t max_serving_;
  const std::size_t max_serving_per_address_;
  const std::size_t max_rejecting_;
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::size_t serving_ = 0;
  std::size_t rejecting_ = 0;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, Entry> sessions_;
  // Served connections by source address; an address leaves the map with
  // its last connection, so its size is bounded by max_serving.
  std::unordered_map<std::string, std::size_t> serving_by_address_;
};

}  // namespace jobcard::node::http_internal
