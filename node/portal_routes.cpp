#include "node/portal_routes.h"

#include "node/portal_assets.h"

namespace jobcard::node {

namespace http = boost::beast::http;

std::string_view PortalContentType(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view media_type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".json", "application/json; charset=utf-8"},
      {".png", "image/png"},                  {".svg", "image/svg+xml"},
  };
  // The file name must have a base before its extension (".js" alone is not a script).
  const std::string_view name = path.substr(path.rfind('/') + 1);
  for (const auto& type : kTypes) {
    if (name.size() > type.extension.size() && name.ends_with(type.extension)) return type.media_type;
  }
  return "application/octet-stream";
}

namespace {

HttpResponse AssetResponse(const PortalAsset& asset) {
  HttpResponse response =
      HttpResponse::Raw(http::status::ok, std::string(asset.body), std::string(PortalContentType(asset.path)));
  response.headers.emplace_back("Content-Security-Policy", std::string(kPortalContentSecurityPolicy));
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace

void RegisterPortal(HttpServer& server) {
  for (const PortalAsset& asset : PortalAssets()) {
    auto handler = [&asset](const HttpRequest&) { return AssetResponse(asset); };
    server.Route(http::verb::get, std::string(asset.path), handler);
    if (asset.path == "/portal/index.html") server.Route(http::verb::get, "/", handler);
  }
}

}  // namespace jobcard::node
