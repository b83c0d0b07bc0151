#include "ledger/compliance_headcount.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace jobcard::ledger {

std::vector<OpenCounts> CountOpenOn(std::vector<EmploymentEvent> events, std::vector<SideJobEvent> side_jobs,
                                    const std::vector<Date>& dates) {
  std::sort(events.begin(), events.end(), [](const EmploymentEvent& a, const EmploymentEvent& b) {
    return a.date != b.date ? a.date < b.date : a.order < b.order;
  });
  std::stable_sort(side_jobs.begin(), side_jobs.end(),
                   [](const SideJobEvent& a, const SideJobEvent& b) { return a.date < b.date; });
  std::vector<std::size_t> by_date(dates.size());
  std::iota(by_date.begin(), by_date.end(), std::size_t{0});
  std::stable_sort(by_date.begin(), by_date.end(), [&](std::size_t a, std::size_t b) { return dates[a] < dates[b]; });

  std::vector<OpenCounts> out(dates.size());
  std::map<SubjectId, bool> open;  // each subject's state after its latest event so far
  std::int64_t employed = 0;
  std::int64_t side = 0;
  std::size_t e = 0;
  std::size_t s = 0;
  for (std::size_t index : by_date) {
    const Date& date = dates[index];
    for (; e < events.size() && events[e].date <= date; ++e) {
      bool& state = open[events[e].subject];
      if (state != events[e].hire) employed += events[e].hire ? 1 : -1;
      state = events[e].hire;
    }
    for (; s < side_jobs.size() && side_jobs[s].date <= date; ++s) side += side_jobs[s].delta;
    out[index] = OpenCounts{static_cast<std::uint32_t>(employed), static_cast<std::uint32_t>(side)};
  }
  return out;
}

}  // namespace jobcard::ledger
