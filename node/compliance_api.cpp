#include "node/compliance_api.h"

#include "ledger/compliance_store.h"

namespace jobcard::node {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

json LateToJson(const ledger::LateEntryRow& r) {
  return {{"id", ToHex(r.id)}, {"kind", std::string(ledger::TxKindName(r.kind))}, {"employer", r.employer.str()},
          {"subject", ToHex(r.subject)}, {"effective_date", r.effective_date.str()},
          {"committed_date", r.committed_date.str()}, {"days_late", r.days_late}, {"corrected", r.corrected},
          {"log_index", r.log_index}};
}

json OverdueToJson(const ledger::OverdueSecondmentRow& r) {
  return {{"id", ToHex(r.id)}, {"subject", ToHex(r.subject)}, {"home", r.home.str()}, {"host", r.host.str()},
          {"effective_date", r.effective_date.str()}, {"expected_end", r.expected_end.str()},
          {"days_overdue", r.days_overdue}, {"log_index", r.log_index}};
}

json MismatchToJson(const ledger::HeadcountMismatchRow& r) {
  return {{"id", ToHex(r.id)}, {"employer", r.employer.str()}, {"as_of", r.as_of.str()}, {"declared", r.declared},
          {"counted", r.counted}, {"difference", r.difference}, {"open_side_jobs", r.open_side_jobs},
          {"height", r.height}};
}

template <typename Row, typename ToJson>
json Rows(const std::vector<Row>& rows, ToJson to_json) {
  json out = json::array();
  for (const auto& r : rows) out.push_back(to_json(r));
  return out;
}

json ReportToJson(const ledger::ComplianceReport& report, const ledger::ComplianceOptions& options) {
  return {{"as_of", report.as_of.str()},
          {"recording_deadline_days", options.deadline_days},
          {"compliance_start_date", options.start_date.str()},
          {"employer_count", report.employer_count},
          {"late_entries", Rows(report.late_entries, LateToJson)},
          {"overdue_secondments", Rows(report.overdue_secondments, OverdueToJson)},
          {"headcount_mismatches", Rows(report.headcount_mismatches, MismatchToJson)},
          {"truncated", report.truncated}};
}

// The report options, or the date's parse error (date.form, date.invalid).
Result<ledger::ComplianceOptions> OptionsFor(const ledger::ChainStore& store, const HttpRequest& request) {
  std::optional<ledger::Date> as_of;
  if (const std::string* text = request.QueryParam("as_of")) {
    auto parsed = ledger::Date::Parse(*text);
    if (!parsed.ok()) return parsed.error();
    as_of = *parsed;
  }
  return ledger::StoreComplianceOptions(store, as_of);
}

}  // namespace

HttpResponse LedgerCompliance(const ledger::ChainStore& store, const HttpRequest& request) {
  auto options = OptionsFor(store, request);
  if (!options.ok()) return HttpResponse::Failure(http::status::bad_request, options.error());
  const ledger::StoreComplianceSource source(store);
  return HttpResponse::Json(http::status::ok, ReportToJson(ledger::BuildLedgerReport(source, *options), *options));
}

HttpResponse EmployerCompliance(const ledger::ChainStore& store, const HttpRequest& request) {
  const std::string* id = request.PathParam("id");
  auto employer = ledger::CorporateNumber::Parse(id ? *id : std::string());
  if (!employer.ok()) return HttpResponse::Failure(http::status::bad_request, employer.error());
  auto options = OptionsFor(store, request);
  if (!options.ok()) return HttpResponse::Failure(http::status::bad_request, options.error());
  const ledger::StoreComplianceSource source(store);
  auto report = ledger::BuildEmployerReport(source, *employer, *options);
  if (!report.ok()) return HttpResponse::Failure(http::status::not_found, report.error());
  json out = ReportToJson(*report, *options);
  out["employer"] = employer->str();
  json covered = json::array();
  for (const auto& e : report->employers) covered.push_back(e.str());
  out["covered_employers"] = covered;
  return HttpResponse::Json(http::status::ok, out);
}

void RegisterComplianceApi(HttpServer& server, const ledger::ChainStore& store) {
  server.Route(http::verb::get, "/v1/compliance", [&store](const HttpRequest& r) { return LedgerCompliance(store, r); });
  server.Route(http::verb::get, "/v1/employers/{id}/compliance",
               [&store](const HttpRequest& r) { return EmployerCompliance(store, r); });
}

}  // namespace jobcard::node
