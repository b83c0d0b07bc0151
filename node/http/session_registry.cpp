#include "node/http/session_registry.h"

namespace jobcard::node::http_internal {

Admission SessionRegistry::Admit(const std::shared_ptr<HttpSession>& session, const std::string& address,
                                 std::uint64_t& id) {
  std::lock_guard lock(mutex_);
  if (stopping_) return Admission::kDrop;
  Admission admission = Admission::kServe;
  const auto from_address = serving_by_address_.find(address);
  if (from_address != serving_by_address_.end() && from_address->second >= max_serving_per_address_) {
    admission = Admission::kRejectAddress;
  } else if (serving_ >= max_serving_) {
    admission = Admission::kReject;
  }
  if (admission != Admission::kServe) {
    if (rejecting_ >= max_rejecting_) return Admission::kDrop;
    ++rejecting_;
  } else {
    ++serving_;
    ++serving_by_address_[address];
  }
  id = next_id_++;
  sessions_.emplace(id, Entry{session, admission == Admission::kServe ? address : std::string()});
  return admission;
}

void SessionRegistry::Release(std::uint64_t id, Admission admission) {
  std::lock_guard lock(mutex_);
  if (admission == Admission::kDrop) return;
  const auto entry = sessions_.find(id);
  if (entry == sessions_.end()) return;
  if (admission == Admission::kServe) {
    --serving_;
    const auto from_address = serving_by_address_.find(entry->second.address);
    if (from_address != serving_by_address_.end() && --from_address->second == 0) serving_by_address_.erase(from_address);
  } else {
    --rejecting_;
  }
  sessions_.erase(entry);
}

std::vector<std::shared_ptr<HttpSession>> SessionRegistry::BeginStop() {
  std::vector<std::shared_ptr<HttpSession>> alive;
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& [id, entry] : sessions_) {
    if (auto session = entry.session.lock()) alive.push_back(std::move(session));
  }
  return alive;
}

std::size_t SessionRegistry::ServingFrom(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto from_address = serving_by_address_.find(address);
  return from_address == serving_by_address_.end() ? 0 : from_address->second;
}

}  // namespace jobcard::node::http_internal
