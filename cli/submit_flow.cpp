#include "cli/submit_flow.h"

#include <algorithm>
#include <cstdio>

#include "cli/client_common.h"

namespace jobcard::cli {

Result<SubmitOptions> SubmitOptionsFrom(const Args& args) {
  SubmitOptions options;
  options.wait = !args.Switch("no-wait");
  options.json = args.Switch("json");
  if (auto text = args.Get("wait-timeout")) {
    const auto seconds = ParseUnsigned<unsigned>(*text);
    if (!seconds || *seconds == 0 || *seconds > 3600) {
      return MakeError("cli.bad_timeout", "--wait-timeout must be a number of seconds from 1 to 3600");
    }
    options.wait_timeout = std::chrono::seconds(*seconds);
  }
  return options;
}

Result<Submitted> SubmitTx(NodeClient& node, const ledger::Tx& tx, const SubmitOptions& options) {
  auto id = node.Submit(tx);
  if (!id.ok()) return id.error();
  Submitted out{*id, false, 0};
  if (!options.wait) return out;
  auto committed = node.WaitCommitted(*id, options.wait_timeout);
  if (!committed.ok()) return committed.error();
  out.committed = true;
  out.height = committed->height;
  return out;
}

void PrintSubmitted(const Submitted& submitted, const SubmitOptions& options, nlohmann::ordered_json fields) {
  fields["id"] = submitted.id;
  fields["status"] = submitted.committed ? "committed" : "pending";
  if (submitted.committed) fields["height"] = submitted.height;
  if (options.json) {
    PrintJson(fields);
    return;
  }
  std::size_t width = 0;
  for (const auto& item : fields.items()) width = std::max(width, item.key().size() + 2);
  for (const auto& item : fields.items()) {
    const std::string& name = item.key();
    const nlohmann::ordered_json& value = item.value();
    if (name == "height") continue;
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (name == "status") {
      text = submitted.committed ? "committed at height " + std::to_string(submitted.height)
                                 : "pending (accepted by the node; not waited for)";
    }
    std::printf("%-*s%s\n", static_cast<int>(width), (name + ":").c_str(), text.c_str());
  }
}

}  // namespace jobcard::cli
