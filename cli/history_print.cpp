#include "cli/history_print.h"

#include <algorithm>

#include "cli/entry_names.h"

namespace jobcard::cli {

namespace {

using ledger::TxKind;
using nlohmann::ordered_json;

std::vector<const HistoryEntry*> TimelineOrder(const History& history) {
  std::vector<const HistoryEntry*> order;
  for (const auto& e : history.entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const HistoryEntry* a, const HistoryEntry* b) {
    // Unreadable entries have no date; they go last, in commit order.
    if (a->decoded != b->decoded) return a->decoded;
    if (!a->decoded) return false;
    if (a->entry().effective_date != b->entry().effective_date) return a->entry().effective_date < b->entry().effective_date;
    return a->height < b->height;
  });
  return order;
}

std::string EmployerLabel(const std::string& name, const ledger::CorporateNumber& id) {
  return name.empty() ? id.str() : name + " (" + id.str() + ")";
}

std::string ReasonName(const HistoryEntry& e) {
  return std::string(e.tx.kind == TxKind::kDispute ? DisputeReasonName(e.entry().reason)
                                                   : CorrectionReasonName(e.entry().reason));
}

std::string Short(const Hash32& id) { return ToHex(id).substr(0, 16) + "…"; }

void AddLine(std::string& out, const std::string& label, const std::string& value) {
  std::string padded = label + ":";
  padded.resize(std::max<std::size_t>(padded.size() + 1, 20), ' ');
  out += "    " + padded + value + "\n";
}

void RenderEntry(std::string& out, const HistoryEntry& e) {
  if (!e.decoded) {
    out += "(no date)   an entry that could not be read\n";
    AddLine(out, "id", Short(e.id));
  } else {
    const ledger::CareerEntry& entry = e.entry();
    out += entry.effective_date.str() + "  " + std::string(ledger::TxKindName(e.tx.kind)) + " (" +
           std::string(KindJapaneseName(e.tx.kind)) + ")";
    if (e.superseded) out += "  [superseded]";
    if (e.disputed) out += "  [disputed]";
    out += "\n";
    AddLine(out, "employer", EmployerLabel(e.employer_name, entry.employer));
    if (entry.host_employer != ledger::CorporateNumber{}) {
      AddLine(out, "host", EmployerLabel(e.host_employer_name, entry.host_employer));
    }
    if (entry.expected_end != ledger::Date{}) AddLine(out, "expected end", entry.expected_end.str());
    if (!entry.references.empty()) {
      const char* verb = e.tx.kind == TxKind::kCorrection ? "corrects" : e.tx.kind == TxKind::kDispute ? "contests" : "ends";
      std::string value = Short(entry.references[0]);
      if (entry.reason != 0) value += " (reason: " + ReasonName(e) + ")";
      AddLine(out, verb, value);
    }
    if (e.payload) {
      for (const auto& field : e.payload->fields) AddLine(out, std::string(ledger::PayloadFieldName(field.id)), field.value);
    }
    AddLine(out, "id", Short(e.id) + " at height " + std::to_string(e.height));
  }
  for (const auto& problem : e.problems) out += "    !! " + problem + "\n";
}

}  // namespace

std::string RenderTimeline(const History& history) {
  std::string out = "Career history of subject " + ToHex(history.subject).substr(0, 16) + "… on " + history.chain_id +
                    " at height " + std::to_string(history.tip_height) + ": " +
                    std::to_string(history.entries.size()) + " entries";
  out += history.problem_count() == 0 ? ", every signature verified\n"
                                      : ", " + std::to_string(history.problem_count()) + " FAILED verification\n";
  for (const HistoryEntry* e : TimelineOrder(history)) {
    out += "\n";
    RenderEntry(out, *e);
  }
  if (history.entries.empty()) out += "\n(no entries yet)\n";
  return out;
}

ordered_json HistoryToJson(const History& history) {
  ordered_json entries = ordered_json::array();
  for (const HistoryEntry* e : TimelineOrder(history)) {
    ordered_json item = {{"id", ToHex(e->id)}, {"height", e->height}};
    if (e->decoded) {
      const ledger::CareerEntry& entry = e->entry();
      item["kind"] = std::string(ledger::TxKindName(e->tx.kind));
      item["kind_ja"] = std::string(KindJapaneseName(e->tx.kind));
      item["effective_date"] = entry.effective_date.str();
      item["employer"] = entry.employer.str();
      item["employer_name"] = e->employer_name;
      if (entry.host_employer != ledger::CorporateNumber{}) {
        item["host_employer"] = entry.host_employer.str();
        item["host_employer_name"] = e->host_employer_name;
      }
      if (entry.expected_end != ledger::Date{}) item["expected_end"] = entry.expected_end.str();
      ordered_json refs = ordered_json::array();
      for (const auto& r : entry.references) refs.push_back(ToHex(r));
      item["references"] = refs;
      if (entry.reason != 0) item["reason"] = ReasonName(*e);
    }
    item["superseded"] = e->superseded;
    item["disputed"] = e->disputed;
    ordered_json fields = nullptr;
    if (e->payload) {
      fields = ordered_json::object();
      for (const auto& f : e->payload->fields) fields[std::string(ledger::PayloadFieldName(f.id))] = f.value;
    }
    item["payload"] = fields;
    item["verified"] = e->problems.empty();
    item["problems"] = e->problems;
    entries.push_back(item);
  }
  return {{"subject", ToHex(history.subject)},
          {"chain_id", history.chain_id},
          {"height", history.tip_height},
          {"verified", history.problem_count() == 0},
          {"entries", entries}};
}

}  // namespace jobcard::cli
