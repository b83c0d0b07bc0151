// Serves the web portal (node/portal/) on the API's port: GET / is the app's
// page, /portal/... its scripts, styles and the vendored libsodium.js. Each
// embedded file is a literal route, so only those exact paths exist: no
// request can name a file outside the set (spec/http.md also rejects "..").
#pragma once

#include <string_view>

#include "node/http/http_server.h"

namespace jobcard::node {

// The Content-Security-Policy sent with every portal file: scripts, styles
// and connections only from the node itself, no inline code, no eval, no
// framing. 'wasm-unsafe-eval' lets libsodium.js compile its WebAssembly
// (served by the node like every other file); it does not allow eval() or
// new Function() on JavaScript.
inline constexpr std::string_view kPortalContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

// The media type for a portal file, from its extension ("application/
// octet-stream" for one the portal does not use).
std::string_view PortalContentType(std::string_view path);

void RegisterPortal(HttpServer& server);

}  // namespace jobcard::node
