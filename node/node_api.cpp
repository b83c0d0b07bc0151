#include "node/node_api.h"

#include <charconv>
#include <sstream>

#include "ledger/bundle.h"
#include "ledger/consistent_read.h"
#include "ledger/record_json.h"
#include "ledger/json_fields.h"
#include "ledger/tx_json.h"
#include "ledger/merkle_log.h"
#include "node/bundle_api.h"
#include "node/compliance_api.h"
#include "node/node_service.h"
#include "node/portal_routes.h"
#include "node/submit_batch.h"
#include "node/tx_submission.h"

namespace jobcard::node {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxListLimit = 1000;

std::optional<std::uint64_t> ParseU64(std::string_view text) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

HttpResponse BadRequest(const std::string& code, const std::string& message) {
  return HttpResponse::Failure(http::status::bad_request, code, message);
}
HttpResponse NotFound(const std::string& message) {
  return HttpResponse::Failure(http::status::not_found, "api.not_found", message);
}

std::optional<Hash32> HashParam(const HttpRequest& req, std::string_view name) {
  const std::string* v = req.PathParam(name);
  if (!v) return std::nullopt;
  auto parsed = FixedFromHex<32>(*v);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

// Optional unsigned query parameter: nullopt when absent, error when malformed.
Result<std::optional<std::uint64_t>> QueryU64(const HttpRequest& req, std::string_view name) {
  const std::string* v = req.QueryParam(name);
  if (!v) return std::optional<std::uint64_t>();
  auto n = ParseU64(*v);
  if (!n) return MakeError("api.bad_parameter", std::string(name) + " must be a non-negative integer");
  return std::optional<std::uint64_t>(*n);
}

json TipToJson(const ledger::ChainTip& t) {
  return {{"height", t.height}, {"block_hash", ToHex(t.block_hash)}, {"time_ms", t.time_ms},
          {"state_root", ToHex(t.state_root)}, {"log_root", ToHex(t.log_root)}, {"log_size", t.log_size}};
}

json TxWithLocation(NodeService& node, const ledger::EntryId& id) {
  auto tx = node.store().GetTx(id);
  auto loc = node.store().GetTxLocation(id);
  if (!tx || !loc) return nullptr;
  return {{"id", ToHex(id)}, {"location", ledger::LocationToJson(*loc)}, {"tx", ledger::TxToJson(*tx)},
          {"encoded", ToHex(ledger::EncodeTx(*tx))}};
}

HttpResponse Submit(NodeService& node, const HttpRequest& req) {
  auto parsed = ledger::ParseJson(req.body, ledger::kMaxTxBytes * 4);
  if (!parsed.ok()) return HttpResponse::Failure(http::status::bad_request, parsed.error());
  auto tx = TxFromSubmission(*parsed);
  if (!tx.ok()) return HttpResponse::Failure(http::status::bad_request, tx.error());
  auto id = node.Submit(std::move(*tx));
  if (!id.ok()) return HttpResponse::Failure(StatusForSubmitError(id.error()), id.error());
  return HttpResponse::Json(http::status::accepted, {{"id", ToHex(*id)}, {"status", "pending"}});
}

// 200 whenever the body is a batch, each item's outcome in its own result
// (node/submit_batch.h): one status could not tell a client which of its
// transactions to resubmit.
HttpResponse SubmitBatchOfTxs(NodeService& node, const HttpRequest& req) {
  auto results = SubmitBatch(req.body, [&node](ledger::Tx tx) { return node.Submit(std::move(tx)); });
  if (!results.ok()) return HttpResponse::Failure(http::status::bad_request, results.error());
  return HttpResponse::Json(http::status::ok, *results);
}

HttpResponse TxStatus(NodeService& node, const HttpRequest& req) {
  auto id = HashParam(req, "id");
  if (!id) return BadRequest("api.bad_id", "a transaction id is 64 hex digits");
  // The pool first, then the store: a block is written to the store before
  // the pool lets go of its transactions, so one that has left the pool is
  // already in the store. Read the other way round, a commit landing between
  // the two reads hid the transaction from both (a 404 for a committed
  // transaction, seen by `jobcard registrar add-validator` under load).
  const bool pending = node.mempool().Contains(*id);
  if (json committed = TxWithLocation(node, *id); !committed.is_null()) {
    committed["status"] = "committed";
    return HttpResponse::Json(http::status::ok, committed);
  }
  if (pending) return HttpResponse::Json(http::status::ok, {{"id", ToHex(*id)}, {"status", "pending"}});
  if (auto rejected = node.RecentRejection(*id)) {
    return HttpResponse::Json(http::status::ok, {{"id", ToHex(*id)}, {"status", "rejected"},
                                                 {"code", rejected->code}, {"message", rejected->message}});
  }
  return NotFound("no transaction with that id is known to this node");
}

HttpResponse BlockAt(NodeService& node, const HttpRequest& req) {
  const std::string* h = req.PathParam("height");
  std::optional<std::uint64_t> height = *h == "latest" ? std::optional<std::uint64_t>(node.store().Tip().height) : ParseU64(*h);
  if (!height) return BadRequest("api.bad_height", "height must be a number or 'latest'");
  if (*height == 0) return NotFound("height 0 is the genesis; see /v1/genesis");
  auto block = node.store().GetBlock(*height);
  if (!block.ok()) return NotFound(block.error().message);
  auto cert = node.store().GetCertificate(*height);
  json ids = json::array();
  for (const auto& tx : block->txs) ids.push_back(ToHex(ledger::TxId(node.store().genesis().chain_id, tx)));
  return HttpResponse::Json(http::status::ok, {{"header", ledger::HeaderToJson(block->header)},
                                               {"certificate", cert.ok() ? ledger::CertificateToJson(*cert) : json(nullptr)},
                                               {"tx_ids", ids}});
}

// The blocks after which the validator set changed, at heights in
// [from, below) (below defaults to above the tip), each with its certificate
// and the new set: what a bundle anchored above them carries
// (spec/bundle.md §4.2). Paged: `next_from` when more follow.
HttpResponse ValidatorTransitions(NodeService& node, const HttpRequest& req) {
  auto from = QueryU64(req, "from");
  if (!from.ok()) return HttpResponse::Failure(http::status::bad_request, from.error());
  auto below = QueryU64(req, "below");
  if (!below.ok()) return HttpResponse::Failure(http::status::bad_request, below.error());
  auto limit = QueryU64(req, "limit");
  if (!limit.ok()) return HttpResponse::Failure(http::status::bad_request, limit.error());
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit->value_or(ledger::kMaxValidatorTransitions), ledger::kMaxValidatorTransitions));
  const std::uint64_t end = below->value_or(node.store().Tip().height + 1);
  const auto changes = node.store().ValidatorSetChanges(from->value_or(0), end, n + 1);
  json items = json::array();
  for (std::size_t i = 0; i < std::min(n, changes.size()); ++i) {
    auto header = node.store().GetBlockHeader(changes[i].height);
    auto cert = node.store().GetCertificate(changes[i].height);
    if (!header.ok() || !cert.ok()) return NotFound("block " + std::to_string(changes[i].height) + " is not stored");
    items.push_back(ledger::TransitionToJson({*header, *cert, changes[i].next}));
  }
  json out = {{"validator_transitions", items}};
  if (changes.size() > n && n > 0) out["next_from"] = changes[n].height;
  return HttpResponse::Json(http::status::ok, out);
}

// A subject's (or employer's) record with the tip and the state proof it is
// answered at: all three read at one tip (ledger/consistent_read.h), so the
// proof verifies against the tip's state root even while blocks commit.
template <typename Record>
struct RecordAtTip {
  ledger::ChainTip tip;
  Result<ledger::SmtProof> proof;
  std::optional<Record> record;
};

template <typename Record, typename Get>
Result<RecordAtTip<Record>> ReadRecordAtTip(NodeService& node, const Hash32& state_key, Get get) {
  return ledger::ReadAtOneTip(node.store(), [&]() -> Result<RecordAtTip<Record>> {
    return RecordAtTip<Record>{node.store().Tip(), node.store().StateProof(state_key), get()};
  });
}

HttpResponse StoreBusy(const Error& error) { return HttpResponse::Failure(http::status::service_unavailable, error); }

HttpResponse SubjectHistory(NodeService& node, const HttpRequest& req, bool with_txs) {
  auto id = HashParam(req, "id");
  if (!id) return BadRequest("api.bad_id", "a subject id is 64 hex digits");
  const Hash32 state_key = ledger::SubjectStateKey(*id);
  auto read = ReadRecordAtTip<ledger::SubjectRecord>(node, state_key, [&] { return node.store().GetSubject(*id); });
  if (!read.ok()) return StoreBusy(read.error());
  json out = {{"tip", TipToJson(read->tip)}, {"state_key", ToHex(state_key)},
              {"proof", read->proof.ok() ? ledger::SmtProofToJson(*read->proof) : json(nullptr)}};
  if (!read->record) {
    // Not enrolled: the proof shows absence, which is an answer too.
    out["subject"] = nullptr;
    return HttpResponse::Json(http::status::not_found, out);
  }
  out["subject"] = ledger::SubjectToJson(*read->record);
  if (with_txs) {
    // Committed transactions never change: these reads need no common tip.
    json entries = json::array();
    for (const auto& ref : read->record->entries) entries.push_back(TxWithLocation(node, ref.id));
    out["entries"] = entries;
  }
  return HttpResponse::Json(http::status::ok, out);
}

HttpResponse Employer(NodeService& node, const HttpRequest& req) {
  auto corp = ledger::CorporateNumber::Parse(*req.PathParam("id"));
  if (!corp.ok()) return HttpResponse::Failure(http::status::bad_request, corp.error());
  auto read = ReadRecordAtTip<ledger::EmployerRecord>(node, ledger::EmployerStateKey(*corp),
                                                      [&] { return node.store().GetEmployer(*corp); });
  if (!read.ok()) return StoreBusy(read.error());
  if (!read->record) return NotFound("employer " + corp->str() + " is not registered");
  return HttpResponse::Json(http::status::ok, {{"employer", ledger::EmployerToJson(*read->record)},
                                               {"tip", TipToJson(read->tip)},
                                               {"proof", read->proof.ok() ? ledger::SmtProofToJson(*read->proof) : json(nullptr)}});
}

// Registered employers in 法人番号 order, paged with after=<last one seen>.
HttpResponse EmployerList(NodeService& node, const HttpRequest& req) {
  ledger::CorporateNumber after;
  if (const std::string* text = req.QueryParam("after")) {
    auto parsed = ledger::CorporateNumber::Parse(*text);
    if (!parsed.ok()) return HttpResponse::Failure(http::status::bad_request, parsed.error());
    after = *parsed;
  }
  auto limit = QueryU64(req, "limit");
  if (!limit.ok()) return HttpResponse::Failure(http::status::bad_request, limit.error());
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit->value_or(100), kMaxListLimit));
  const auto ids = node.store().Employers(after, n + 1);
  json employers = json::array();
  for (std::size_t i = 0; i < std::min(n, ids.size()); ++i) {
    if (auto record = node.store().GetEmployer(ids[i])) employers.push_back(ledger::EmployerToJson(*record));
  }
  json out = {{"employers", employers}};
  if (ids.size() > n && n > 0) out["next_after"] = ids[n - 1].str();
  return HttpResponse::Json(http::status::ok, out);
}

HttpResponse EmployerEntries(NodeService& node, const HttpRequest& req) {
  auto corp = ledger::CorporateNumber::Parse(*req.PathParam("id"));
  if (!corp.ok()) return HttpResponse::Failure(http::status::bad_request, corp.error());
  auto from = QueryU64(req, "from");
  auto limit = QueryU64(req, "limit");
  if (!from.ok()) return HttpResponse::Failure(http::status::bad_request, from.error());
  if (!limit.ok()) return HttpResponse::Failure(http::status::bad_request, limit.error());
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(limit->value_or(100), kMaxListLimit));
  auto ids = node.store().EmployerTxIds(*corp, from->value_or(0), n + 1);
  json entries = json::array();
  for (std::size_t i = 0; i < std::min(n, ids.size()); ++i) entries.push_back(TxWithLocation(node, ids[i]));
  json out = {{"employer", corp->str()}, {"entries", entries}};
  if (ids.size() > n) out["next_from"] = node.store().GetTxLocation(ids[n])->log_index;
  return HttpResponse::Json(http::status::ok, out);
}

HttpResponse EntryProof(NodeService& node, const HttpRequest& req) {
  auto id = HashParam(req, "id");
  if (!id) return BadRequest("api.bad_id", "an entry id is 64 hex digits");
  auto loc = node.store().GetTxLocation(*id);
  if (!loc) return NotFound("no committed transaction with that id");
  auto size = QueryU64(req, "log_size");
  if (!size.ok()) return HttpResponse::Failure(http::status::bad_request, size.error());
  const std::uint64_t log_size = size->value_or(node.store().Tip().log_size);
  auto proof = node.store().LogInclusionProof(loc->log_index, log_size);
  if (!proof.ok()) return HttpResponse::Failure(http::status::bad_request, proof.error());
  auto root = node.store().LogRoot(log_size);
  return HttpResponse::Json(http::status::ok, {{"id", ToHex(*id)}, {"log_index", loc->log_index}, {"log_size", log_size},
                                               {"leaf_hash", ToHex(ledger::LeafHash(*id))},
                                               {"log_root", root.ok() ? ToHex(*root) : std::string()},
                                               {"proof", ledger::HashesToJson(*proof)}});
}

HttpResponse Consistency(NodeService& node, const HttpRequest& req) {
  auto from = QueryU64(req, "from");
  auto to = QueryU64(req, "to");
  if (!from.ok() || !to.ok() || !from->has_value()) {
    return BadRequest("api.bad_parameter", "give from=<old log size> and optionally to=<new log size>");
  }
  const std::uint64_t new_size = to->value_or(node.store().Tip().log_size);
  auto proof = node.store().LogConsistencyProof(**from, new_size);
  if (!proof.ok()) return HttpResponse::Failure(http::status::bad_request, proof.error());
  auto old_root = node.store().LogRoot(**from);
  auto new_root = node.store().LogRoot(new_size);
  return HttpResponse::Json(http::status::ok, {{"from", **from}, {"to", new_size},
                                               {"from_root", old_root.ok() ? ToHex(*old_root) : std::string()},
                                               {"to_root", new_root.ok() ? ToHex(*new_root) : std::string()},
                                               {"proof", ledger::HashesToJson(*proof)}});
}

}  // namespace

std::string RenderMetrics(NodeService& node, const HttpStats& stats) {
  std::ostringstream out;
  const ledger::ChainTip tip = node.store().Tip();
  out << "# HELP jobcard_height Height of the last committed block.\n# TYPE jobcard_height gauge\n"
      << "jobcard_height " << tip.height << "\n";
  out << "# HELP jobcard_log_size Transactions committed (entry log size).\n# TYPE jobcard_log_size counter\n"
      << "jobcard_log_size " << tip.log_size << "\n";
  out << "# HELP jobcard_mempool_txs Pending transactions.\n# TYPE jobcard_mempool_txs gauge\n"
      << "jobcard_mempool_txs " << node.mempool().size() << "\n";
  out << "# HELP jobcard_mempool_bytes Bytes of pending transactions.\n# TYPE jobcard_mempool_bytes gauge\n"
      << "jobcard_mempool_bytes " << node.mempool().bytes() << "\n";
  out << "# HELP jobcard_http_requests_total Answered HTTP requests.\n# TYPE jobcard_http_requests_total counter\n";
  for (const auto& [key, count] : stats.requests) {
    out << "jobcard_http_requests_total{route=\"" << key.route << "\",status=\"" << key.status << "\"} " << count << "\n";
  }
  out << "# HELP jobcard_http_request_seconds HTTP request latency.\n# TYPE jobcard_http_request_seconds histogram\n";
  for (const auto& [route, h] : stats.latency) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBucketBoundsMicros.size(); ++i) {
      cumulative += h.bucket_counts[i];
      out << "jobcard_http_request_seconds_bucket{route=\"" << route << "\",le=\"" << kLatencyBucketBoundsMicros[i] / 1e6
          << "\"} " << cumulative << "\n";
    }
    out << "jobcard_http_request_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << h.count << "\n";
    out << "jobcard_http_request_seconds_sum{route=\"" << route << "\"} " << h.sum_micros / 1e6 << "\n";
    out << "jobcard_http_request_seconds_count{route=\"" << route << "\"} " << h.count << "\n";
  }
  out << "# HELP jobcard_http_connections_open Open HTTP connections.\n# TYPE jobcard_http_connections_open gauge\n"
      << "jobcard_http_connections_open " << stats.connections_open << "\n";
  out << "# HELP jobcard_http_connections_rejected_total Connections refused over the limit.\n"
      << "# TYPE jobcard_http_connections_rejected_total counter\n"
      << "jobcard_http_connections_rejected_total " << stats.connections_rejected << "\n";
  return out.str();
}

namespace {

json VoteToJson(const consensus::Vote& v) {
  return {{"type", v.type == consensus::VoteType::kPrevote ? "prevote" : "precommit"},
          {"height", v.height},
          {"round", v.round},
          {"value", v.value ? json(ToHex(*v.value)) : json(nullptr)},
          {"validator", ToHex(v.validator)},
          {"signature", ToHex(v.signature)},
          {"encoded", ToHex(consensus::EncodeVote(v))}};
}

json ConsensusToJson(const NodeService& node) {
  auto status = node.consensus_status();
  if (!status) return nullptr;
  json peers = json::array();
  for (const auto& p : status->peers) peers.push_back(ToHex(p));
  return {{"height", status->height}, {"round", status->round}, {"step", status->step}, {"peers", peers}};
}

// Equivocation this node has seen (spec/consensus.md §7): both signed votes,
// each verifiable by anyone against the chain id and the validator's key.
HttpResponse Evidence(const NodeService& node) {
  json items = json::array();
  for (const auto& e : node.evidence()) items.push_back({{"first", VoteToJson(e.first)}, {"second", VoteToJson(e.second)}});
  return HttpResponse::Json(http::status::ok, {{"evidence", items}});
}

}  // namespace

void RegisterNodeApi(HttpServer& server, NodeService& node) {
  using V = http::verb;
  server.Route(V::get, "/v1/status", [&node](const HttpRequest&) {
    const auto& g = node.store().genesis();
    json consensus = ConsensusToJson(node);
    json peers = consensus.is_null() ? json::array() : consensus["peers"];
    return HttpResponse::Json(http::status::ok, {{"chain_id", g.chain_id},
                                                 {"genesis_hash", ToHex(ledger::GenesisHash(g))},
                                                 {"tip", TipToJson(node.store().Tip())},
                                                 {"validators", ledger::ValidatorsToJson(node.store().GetValidators())},
                                                 {"produces_blocks", node.produces_blocks()},
                                                 {"mempool", {{"txs", node.mempool().size()}, {"bytes", node.mempool().bytes()}}},
                                                 {"consensus", consensus},
                                                 {"peers", peers}});
  });
  server.Route(V::get, "/v1/evidence", [&node](const HttpRequest&) { return Evidence(node); });
  server.Route(V::get, "/v1/genesis", [&node](const HttpRequest&) {
    return HttpResponse::Json(http::status::ok, ledger::GenesisToJson(node.store().genesis()));
  });
  server.Route(V::post, "/v1/txs", [&node](const HttpRequest& r) { return Submit(node, r); }, RouteOptions{true});
  server.Route(V::post, "/v1/txs/batch", [&node](const HttpRequest& r) { return SubmitBatchOfTxs(node, r); },
               RouteOptions{.json_body = true, .max_body_bytes = kMaxSubmitBatchBodyBytes});
  server.Route(V::get, "/v1/txs/{id}", [&node](const HttpRequest& r) { return TxStatus(node, r); });
  server.Route(V::get, "/v1/blocks/{height}", [&node](const HttpRequest& r) { return BlockAt(node, r); });
  server.Route(V::get, "/v1/validator-transitions", [&node](const HttpRequest& r) { return ValidatorTransitions(node, r); });
  server.Route(V::get, "/v1/subjects/{id}", [&node](const HttpRequest& r) { return SubjectHistory(node, r, false); });
  server.Route(V::get, "/v1/subjects/{id}/history", [&node](const HttpRequest& r) { return SubjectHistory(node, r, true); });
  server.Route(V::get, "/v1/employers", [&node](const HttpRequest& r) { return EmployerList(node, r); });
  server.Route(V::get, "/v1/employers/{id}", [&node](const HttpRequest& r) { return Employer(node, r); });
  server.Route(V::get, "/v1/employers/{id}/entries", [&node](const HttpRequest& r) { return EmployerEntries(node, r); });
  server.Route(V::get, "/v1/entries/{id}/proof", [&node](const HttpRequest& r) { return EntryProof(node, r); });
  server.Route(V::get, "/v1/proofs/consistency", [&node](const HttpRequest& r) { return Consistency(node, r); });
  RegisterComplianceApi(server, node.store());
  RegisterPortal(server);
  RegisterBundleApi(server, node);
  server.Route(V::get, "/metrics", [&node, &server](const HttpRequest&) {
    return HttpResponse::Raw(http::status::ok, RenderMetrics(node, server.Snapshot()), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace jobcard::node
