// The web portal's files (node/portal/), embedded in the executable at build
// time by node/portal/embed_files.cpp; node/portal_routes serves them.
#pragma once

#include <span>
#include <string_view>

namespace jobcard::node {

struct PortalAsset {
  std::string_view path;  // the URL path it is served at, e.g. "/portal/app.js"
  std::string_view body;  // the file's bytes
};

// Every embedded file, in the order the build listed them.
std::span<const PortalAsset> PortalAssets();

}  // namespace jobcard::node
