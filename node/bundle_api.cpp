#include "node/bundle_api.h"

#include "ledger/bundle_verify.h"
#include "ledger/json_fields.h"
#include "ledger/receipt.h"
#include "node/node_service.h"

namespace jobcard::node {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

// The node's current view of what a bundle shows, for the freshness check.
std::optional<ledger::BundleFreshness> FreshnessFromStore(NodeService& node, const ledger::Bundle& bundle) {
  auto header = node.store().GetBlockHeader(bundle.anchor.height);
  auto current = node.store().GetSubject(bundle.subject);
  if (!current) return std::nullopt;
  // A height this node does not have cannot be the anchor: hash zero fails the check.
  return ledger::BundleFreshness{header.ok() ? ledger::BlockHash(*header) : Hash32{}, node.store().Tip().height, *current};
}

HttpResponse VerifyBundle(NodeService& node, const HttpRequest& req) {
  ledger::BundleVerifyOptions options;
  options.now = NowMs() / 1000;
  options.max_clock_skew_seconds = node.store().genesis().params.max_clock_skew_seconds;
  if (const std::string* matcher = req.QueryParam("matcher")) {
    auto key = FixedFromHex<32>(*matcher);
    if (!key.ok()) return HttpResponse::Failure(http::status::bad_request, "api.bad_parameter", "matcher is a 64-hex public key");
    options.verifier = *key;
  }
  auto bundle = ledger::ParseBundle(req.body);
  ledger::BundleReport report;
  json out;
  if (bundle.ok()) {
    options.freshness = FreshnessFromStore(node, *bundle);
    report = ledger::VerifyBundle(*bundle, node.store().genesis(), options);
    if (!options.freshness) {
      report.checks.push_back({std::string(ledger::bundle_check::kFreshness), false, "the subject is not enrolled on this node's chain"});
    }
    out = ledger::BundleReportToJson(report);
    out["bundle_hash"] = ToHex(ledger::BundleHash(*bundle));
  } else {
    out = ledger::BundleReportToJson(ledger::FormatFailure(bundle.error()));
  }
  return HttpResponse::Json(http::status::ok, out);
}

HttpResponse RecordReceipt(NodeService& node, const HttpRequest& req) {
  auto parsed = ledger::ParseJson(req.body, ledger::kMaxReceiptJsonBytes);
  if (!parsed.ok()) return HttpResponse::Failure(http::status::bad_request, parsed.error());
  auto receipt = ledger::ReceiptFromJson(*parsed);
  if (!receipt.ok()) return HttpResponse::Failure(http::status::bad_request, receipt.error());
  if (Status s = ledger::VerifyReceiptSignature(*receipt, node.store().genesis().chain_id); !s.ok()) {
    return HttpResponse::Failure(http::status::bad_request, s.error());
  }
  if (!node.store().GetMatcher(receipt->matcher)) {
    return HttpResponse::Failure(http::status::unprocessable_entity, "receipt.unknown_matcher",
                                 "the key is not a registered matcher of this ledger");
  }
  const std::uint64_t now = NowMs() / 1000, skew = node.store().genesis().params.max_clock_skew_seconds;
  if (receipt->time + skew < now || receipt->time > now + skew) {
    return HttpResponse::Failure(http::status::unprocessable_entity, "receipt.bad_time",
                                 "the receipt's time is more than " + std::to_string(skew) + " s from the node's clock");
  }
  if (Status s = node.receipts().Add(*receipt); !s.ok()) {
    return HttpResponse::Failure(s.error().code == "receipts.full" ? http::status::service_unavailable
                                                                   : http::status::internal_server_error,
                                 s.error());
  }
  return HttpResponse::Json(http::status::created, {{"recorded", true}, {"receipt", ledger::ReceiptToJson(*receipt)}});
}

HttpResponse ListReceipts(NodeService& node, const HttpRequest& req) {
  auto hash = FixedFromHex<32>(*req.PathParam("bundle_hash"));
  if (!hash.ok()) return HttpResponse::Failure(http::status::bad_request, "api.bad_id", "a bundle hash is 64 hex digits");
  json receipts = json::array();
  for (const auto& r : node.receipts().ForBundle(*hash)) receipts.push_back(ledger::ReceiptToJson(r));
  return HttpResponse::Json(http::status::ok, {{"bundle_hash", ToHex(*hash)}, {"receipts", receipts}});
}

}  // namespace

void RegisterBundleApi(HttpServer& server, NodeService& node) {
  using V = http::verb;
  server.Route(V::post, "/v1/bundles/verify", [&node](const HttpRequest& r) { return VerifyBundle(node, r); }, RouteOptions{true});
  server.Route(V::post, "/v1/receipts", [&node](const HttpRequest& r) { return RecordReceipt(node, r); }, RouteOptions{true});
  server.Route(V::get, "/v1/receipts/{bundle_hash}", [&node](const HttpRequest& r) { return ListReceipts(node, r); });
}

}  // namespace jobcard::node
