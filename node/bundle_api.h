// The bundle and receipt routes of the node API (spec/api.yaml,
// spec/bundle.md): verify a disclosure bundle against this node (every
// offline check plus freshness against the node's current state), and record
// and list access receipts, which stay on this node.
#pragma once

#include "node/http/http_server.h"

namespace jobcard::node {

class NodeService;

void RegisterBundleApi(HttpServer& server, NodeService& node);

}  // namespace jobcard::node
