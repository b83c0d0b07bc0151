#include "node/http/session_registry.h"

namespace jobcard::node::http_internal {

Admission SessionRegistry::Admit(const std::shared_ptr<HttpSession>& session, std::uint64_t& id) {
  std::lock_guard lock(mutex_);
  Admission admission = Admission::kDrop;
  if (stopping_) return admission;
  if (serving_ < max_serving_) {
    admission = Admission::kServe;
    ++serving_;
  } else if (rejecting_ < max_rejecting_) {
    admission = Admission::kReject;
    ++rejecting_;
  } else {
    return admission;
  }
  id = next_id_++;
  sessions_.emplace(id, session);
  return admission;
}

void SessionRegistry::Release(std::uint64_t id, Admission admission) {
  std::lock_guard lock(mutex_);
  if (admission == Admission::kDrop) return;
  sessions_.erase(id);
  --(admission == Admission::kServe ? serving_ : rejecting_);
}

std::vector<std::shared_ptr<HttpSession>> SessionRegistry::BeginStop() {
  std::vector<std::shared_ptr<HttpSession>> alive;
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) alive.push_back(std::move(session));
  }
  return alive;
}

}  // namespace jobcard::node::http_internal
