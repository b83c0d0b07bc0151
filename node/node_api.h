// The node's HTTP API (spec/api.yaml): routes over the store and the
// mempool. Handlers only read the store (thread-safe) and submit to the
// mempool (thread-safe), so they can run on the API's own thread while the
// node's loop produces blocks.
#pragma once

#include "node/http/http_server.h"

namespace jobcard::node {

class NodeService;

void RegisterNodeApi(HttpServer& server, NodeService& node);

// The Prometheus text exposition of the node's and the server's counters.
std::string RenderMetrics(NodeService& node, const HttpStats& http);

}  // namespace jobcard::node
