// The compliance routes of the node API (spec/compliance.md):
//
//   GET /v1/compliance?as_of=YYYY-MM-DD                whole ledger
//   GET /v1/employers/{id}/compliance?as_of=YYYY-MM-DD one employer (法人番号)
//
// as_of defaults to the date of the tip's block time. The handlers only read
// the store, so they are testable without a socket or a running node.
#pragma once

#include "ledger/chain_store.h"
#include "node/http/http_server.h"

namespace jobcard::node {

void RegisterComplianceApi(HttpServer& server, const ledger::ChainStore& store);

HttpResponse LedgerCompliance(const ledger::ChainStore& store, const HttpRequest& request);
HttpResponse EmployerCompliance(const ledger::ChainStore& store, const HttpRequest& request);

}  // namespace jobcard::node
