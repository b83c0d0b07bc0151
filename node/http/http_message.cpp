#include "node/http/http_message.h"

namespace jobcard::node {

namespace {
const std::string* Find(const HttpParams& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}
}  // namespace

const std::string* HttpRequest::PathParam(std::string_view name) const { return Find(path_params, name); }

const std::string* HttpRequest::QueryParam(std::string_view name) const { return Find(query_params, name); }

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(boost::beast::string_view(name.data(), name.size()));
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

HttpResponse HttpResponse::Json(boost::beast::http::status status, nlohmann::json body) {
  HttpResponse response;
  response.status = status;
  response.json = std::move(body);
  return response;
}

HttpResponse HttpResponse::Raw(boost::beast::http::status status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.raw_body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

HttpResponse HttpResponse::Failure(boost::beast::http::status status, std::string code, std::string message) {
  return Json(status, nlohmann::json{{"code", std::move(code)}, {"message", std::move(message)}});
}

HttpResponse HttpResponse::Failure(boost::beast::http::status status, const Error& error) {
  return Failure(status, error.code, error.message);
}

}  // namespace jobcard::node
