#include "cli/bundle_print.h"

#include <sstream>

#include "cli/entry_names.h"

namespace jobcard::cli {

namespace {

std::string EmployerName(const ledger::Bundle& b, const ledger::CorporateNumber& id) {
  for (const auto& e : b.employers) {
    if (e.record.id == id) return e.record.name;
  }
  return id.str();
}

const ledger::SubjectEntryRef* RefOf(const ledger::Bundle& b, const ledger::EntryId& id) {
  for (const auto& ref : b.subject_record.entries) {
    if (ref.id == id) return &ref;
  }
  return nullptr;
}

std::string DateOf(std::uint64_t unix_seconds) { return ledger::Date::FromUnixSeconds(unix_seconds).str(); }

}  // namespace

nlohmann::ordered_json BundleSummaryToJson(const ledger::Bundle& b) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const auto& e : b.entries) {
    const auto* body = std::get_if<ledger::CareerEntry>(&e.tx.body);
    const ledger::EntryId id = ledger::TxId(b.chain_id, e.tx);
    const auto* ref = RefOf(b, id);
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    std::size_t withheld = 0;
    for (const auto& f : e.fields) {
      if (f.disclosed) fields[std::string(ledger::PayloadFieldName(f.id))] = f.value;
      else ++withheld;
    }
    nlohmann::ordered_json out = {{"id", ToHex(id)}, {"kind", std::string(ledger::TxKindName(e.tx.kind))},
                                  {"kind_ja", std::string(KindJapaneseName(e.tx.kind))}};
    if (body) {
      out["effective_date"] = body->effective_date.str();
      out["employer"] = body->employer.str();
      out["employer_name"] = EmployerName(b, body->employer);
      if (!(body->host_employer == ledger::CorporateNumber{})) out["host_employer_name"] = EmployerName(b, body->host_employer);
    }
    out["height"] = ref ? ref->height : 0;
    out["superseded"] = ref && ref->superseded;
    out["disputed"] = ref && ref->disputed;
    out["fields"] = fields;
    out["withheld_fields"] = withheld;
    entries.push_back(out);
  }
  nlohmann::ordered_json out = {{"bundle_hash", ToHex(ledger::BundleHash(b))}, {"subject", ToHex(b.subject)},
                                {"audience", ToHex(b.audience)}, {"created_at", b.created_at},
                                {"expires_at", b.expires_at}, {"anchor_height", b.anchor.height}};
  if (b.period) out["period"] = {{"from", b.period->from.str()}, {"to", b.period->to.str()}};
  out["entries"] = entries;
  return out;
}

std::string RenderBundleSummary(const ledger::Bundle& b) {
  std::ostringstream out;
  out << "  subject:   " << ToHex(b.subject).substr(0, 16) << "…\n"
      << "  audience:  " << ToHex(b.audience) << "\n"
      << "  expires:   " << DateOf(b.expires_at) << " (unix " << b.expires_at << ")\n"
      << "  anchor:    block " << b.anchor.height << "\n";
  if (b.period) out << "  period:    " << b.period->from.str() << " to " << b.period->to.str() << " (complete)\n";
  out << "  bundle:    " << ToHex(ledger::BundleHash(b)) << "\n\n";
  for (const auto& e : b.entries) {
    const auto* body = std::get_if<ledger::CareerEntry>(&e.tx.body);
    const ledger::EntryId id = ledger::TxId(b.chain_id, e.tx);
    const auto* ref = RefOf(b, id);
    out << (body ? body->effective_date.str() : std::string("?")) << "  " << ledger::TxKindName(e.tx.kind) << " ("
        << KindJapaneseName(e.tx.kind) << ")";
    if (ref && ref->superseded) out << "  [superseded]";
    if (ref && ref->disputed) out << "  [disputed]";
    out << "\n";
    if (body) {
      out << "    employer:           " << EmployerName(b, body->employer) << " (" << body->employer.str() << ")\n";
      if (!(body->host_employer == ledger::CorporateNumber{})) {
        out << "    host employer:      " << EmployerName(b, body->host_employer) << "\n";
      }
    }
    std::size_t withheld = 0;
    for (const auto& f : e.fields) {
      if (!f.disclosed) {
        ++withheld;
        continue;
      }
      const std::string name(ledger::PayloadFieldName(f.id));
      out << "    " << name << ":" << std::string(name.size() < 19 ? 19 - name.size() : 1, ' ') << f.value << "\n";
    }
    if (withheld) out << "    (" << withheld << " field" << (withheld == 1 ? "" : "s") << " withheld)\n";
    out << "    id:                 " << ToHex(id) << "\n";
  }
  return out.str();
}

std::string RenderChecks(const ledger::BundleReport& report) {
  std::ostringstream out;
  for (const auto& c : report.checks) {
    out << (c.passed ? "  ok    " : "  FAIL  ") << c.name << std::string(c.name.size() < 20 ? 20 - c.name.size() : 1, ' ')
        << c.detail << "\n";
  }
  return out.str();
}

}  // namespace jobcard::cli
