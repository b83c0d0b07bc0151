// The CLI's way to talk to a node: a small synchronous HTTP/1.1 client over
// the node's JSON API (node/node_api.cpp). Every call is bounded in time and
// in response size, so a stuck or hostile node fails a command instead of
// hanging it or filling memory.
//
// Error codes (stable, shown by the CLI):
//   node.bad_url       --node is not http://HOST:PORT
//   node.unreachable   name resolution or connection failed (the message says
//                      why and suggests `jobcard node start`)
//   node.timeout       the node did not answer in time
//   node.bad_response  not HTTP, too large, or not the JSON the API promises
//   node.wait_timeout  WaitCommitted's deadline passed with the tx pending
//   anything else      the node's own {code, message} for a refused request
//                      (e.g. validation.key_not_active), or the rejection
//                      reason of a transaction that did not commit
//
// Not thread-safe: one NodeClient per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/result.h"
#include "ledger/tx.h"

namespace jobcard::cli {

inline constexpr const char* kDefaultNodeUrl = "http://127.0.0.1:26657";
// The largest answer the CLI reads: a subject's full history (1,024 entries
// of at most 16 KiB each, hex-encoded twice over) stays well below it.
inline constexpr std::size_t kMaxNodeResponseBytes = 8 * 1024 * 1024;

struct NodeClientOptions {
  std::chrono::milliseconds request_timeout{10000};  // connect + send + receive, per request
  std::chrono::milliseconds poll_interval{200};      // WaitCommitted
  std::size_t max_response_bytes = kMaxNodeResponseBytes;
};

struct NodeReply {
  int status = 0;
  std::string body;
};

struct CommittedTx {
  std::string id;
  std::uint64_t height = 0;
};

class NodeClient {
 public:
  // Parses `url` (http://HOST:PORT, an optional trailing '/'); connects lazily.
  static Result<NodeClient> Create(std::string_view url, NodeClientOptions options = {});

  const std::string& url() const { return url_; }

  // One request on a fresh connection. Any HTTP status is a reply; only
  // transport failures are errors.
  Result<NodeReply> Request(std::string_view method, std::string_view target, std::string_view body = {});

  // GET `target`, expecting 2xx and a JSON body. A non-2xx answer becomes the
  // node's {code, message} as the error.
  Result<nlohmann::json> GetJson(std::string_view target);

  // POST /v1/txs with the binary encoding; returns the id (hex). The node
  // validates before accepting, so most bad transactions fail here.
  Result<std::string> Submit(const ledger::Tx& tx);

  // Polls GET /v1/txs/{id} until it is committed (returns its height) or
  // rejected (returns the rejection's code and message), at most `timeout`.
  Result<CommittedTx> WaitCommitted(const std::string& id, std::chrono::milliseconds timeout);

 private:
  NodeClient(std::string url, std::string host, std::string port, NodeClientOptions options)
      : url_(std::move(url)), host_(std::move(host)), port_(std::move(port)), options_(options) {}

  Error Unreachable(const std::string& why) const;

  std::string url_;
  std::string host_;
  std::string port_;
  NodeClientOptions options_;
};

// The error a non-2xx reply carries: its {code, message} when it has one,
// else a code made from the status.
Error ErrorFromReply(const NodeReply& reply);

}  // namespace jobcard::cli
