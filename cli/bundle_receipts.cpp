// `jobcard bundle receipts`: a worker sees who checked a bundle they made
// against a node, when and why (the access receipts matchers recorded there).
#include <cstdio>

#include "cli/bundle_commands.h"
#include "cli/client_common.h"
#include "cli/receipt_submit.h"
#include "crypto/private_file.h"
#include "ledger/bundle.h"

namespace jobcard::cli {

namespace {

constexpr const char* kReceiptsUsage =
    "usage: jobcard bundle receipts --bundle FILE [--node URL] [--json]\n"
    "\n"
    "Lists the access receipts matchers recorded at the node for a bundle you made:\n"
    "which matcher key checked it, when, why, and whether it verified. A matcher that\n"
    "verifies offline leaves no receipt; receipts are evidence, not prevention.\n"
    "\n"
    "  --bundle FILE         the bundle file (`jobcard bundle create --out FILE`)\n";

}  // namespace

int RunBundleReceipts(const Words& words) {
  const Reporter report("bundle receipts", std::string(kReceiptsUsage) + kNodeOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, WithNodeOptions({{"bundle"}, {}}));
  if (!args.ok()) return report.Usage(args.error().message);
  auto file = Required(*args, "bundle", "FILE");
  if (!file.ok()) return report.Usage(file.error().message);
  auto text = crypto::ReadPrivateFile(*file, ledger::kMaxBundleBytes, /*require_owner_only=*/false, "bundle");
  if (!text.ok()) return report.Invalid(MakeError(text.error().code, *file + ": " + text.error().message));
  auto bundle = ledger::ParseBundle(*text);
  if (!bundle.ok()) return report.Invalid(MakeError(bundle.error().code, *file + ": " + bundle.error().message));
  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  const Hash32 hash = ledger::BundleHash(*bundle);
  auto receipts = FetchReceipts(*node, bundle->chain_id, hash);
  if (!receipts.ok()) return report.Fail(receipts.error());
  if (args->Switch("json")) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& r : *receipts) items.push_back(nlohmann::ordered_json::parse(ledger::ReceiptToJson(r).dump()));
    PrintJson({{"bundle_hash", ToHex(hash)}, {"receipts", items}});
    return kExitOk;
  }
  std::printf("bundle %s: %zu receipt(s) at %s\n", ToHex(hash).c_str(), receipts->size(), node->url().c_str());
  for (const auto& r : *receipts) {
    std::printf("  %s  matcher %s…  %s  purpose: %s\n", ledger::Date::FromUnixSeconds(r.time).str().c_str(),
                ToHex(r.matcher).substr(0, 16).c_str(), r.valid ? "valid" : "NOT valid", r.purpose.c_str());
  }
  return kExitOk;
}

}  // namespace jobcard::cli
