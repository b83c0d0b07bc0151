// `jobcard verify`: a matcher checks a disclosure bundle (spec/bundle.md).
// Offline, with nothing but the ledger's genesis file, every check of
// ledger/bundle_verify.h runs and is printed; with --node, the bundle is
// also checked for freshness against the node's current state (nothing shown
// was corrected or disputed since, no entry of a claimed period was added)
// and, with the matcher's key file, an access receipt is recorded there.
#include <cstdio>

#include "cli/bundle_fetch.h"
#include "cli/bundle_print.h"
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/receipt_submit.h"
#include "crypto/keystore.h"
#include "crypto/private_file.h"
#include "ledger/bundle_verify.h"

namespace jobcard::cli {

namespace {

constexpr const char* kVerifyUsage =
    "usage: jobcard verify BUNDLE.json --genesis FILE (--matcher KEY | --matcher-key FILE)\n"
    "                      [--node URL [--purpose TEXT]] [--json]\n"
    "\n"
    "Checks a disclosure bundle a worker gave you and prints every check: the chain and\n"
    "the header chain from genesis, the subject's and employers' records, log inclusion,\n"
    "employer signatures, keys active at each entry's height, completeness of a claimed\n"
    "period, not superseded, not disputed, the disclosed fields against the signed\n"
    "commitments, the audience, the expiry and the worker's signature. Offline by default:\n"
    "only the genesis file is needed. Exits 0 only when every check passed, 1 otherwise.\n"
    "\n"
    "  --genesis FILE        the ledger's genesis file (e.g. devnet/genesis.json)\n"
    "  --matcher KEY         your public key (64 hex digits): the bundle must be addressed to it\n"
    "  --matcher-key FILE    your key file instead (needed to record a receipt with --node)\n"
    "  --node URL            also check freshness against this node's current state and,\n"
    "                        with --matcher-key, record an access receipt there\n"
    "  --purpose TEXT        why you checked it, for the receipt (default \"verification\")\n"
    "  --json                print one JSON object for scripts instead of text\n";

std::uint64_t Now() { return NowUnixSeconds(); }

struct Matcher {
  crypto::PublicKey key{};
  std::optional<crypto::SigningKey> signer;  // with --matcher-key
};

Result<Matcher> MatcherFrom(const Args& args) {
  if (args.Has("matcher") == args.Has("matcher-key")) {
    return MakeError("cli.usage", "give --matcher KEY or --matcher-key FILE (who is verifying)");
  }
  Matcher m;
  if (auto hex = args.Get("matcher")) {
    auto key = FixedFromHex<32>(*hex);
    if (!key.ok()) return MakeError("cli.bad_key", "--matcher takes a public key: 64 hex digits");
    m.key = *key;
    return m;
  }
  const std::string file = *args.Get("matcher-key");
  auto key = UnlockKeyFile(file, /*dev_default=*/false);
  if (!key.ok()) return MakeError(key.error().code, file + ": " + key.error().message);
  m.key = key->public_key();
  m.signer = std::move(*key);
  return m;
}

}  // namespace

int RunVerifyCommand(const Words& words) {
  const Reporter report("verify", kVerifyUsage);
  if (WantsHelp(words)) return report.Help();
  auto args = Args::Parse(words, {{"genesis", "matcher", "matcher-key", "node", "purpose"}, {"json"}});
  if (!args.ok()) return report.Usage(args.error().message);
  if (args->positional().size() != 1) return report.Usage("give exactly one bundle file");
  const std::string bundle_file = args->positional()[0];
  auto genesis_file = Required(*args, "genesis", "FILE");
  if (!genesis_file.ok()) return report.Usage(genesis_file.error().message);
  if (args->Has("purpose") && !args->Has("node")) return report.Usage("--purpose is for the receipt: it needs --node");
  auto genesis = ledger::LoadGenesisFile(*genesis_file);
  if (!genesis.ok()) return report.Invalid(MakeError(genesis.error().code, *genesis_file + ": " + genesis.error().message));
  auto text = crypto::ReadPrivateFile(bundle_file, ledger::kMaxBundleBytes, /*require_owner_only=*/false, "bundle");
  if (!text.ok()) return report.Invalid(MakeError(text.error().code, bundle_file + ": " + text.error().message));
  auto matcher = MatcherFrom(*args);
  if (!matcher.ok()) return matcher.error().code == "cli.usage" ? report.Usage(matcher.error().message) : report.Fail(matcher.error());

  ledger::BundleVerifyOptions options{Now(), matcher->key, std::nullopt, genesis->params.max_clock_skew_seconds};
  auto bundle = ledger::ParseBundle(*text);
  std::optional<NodeClient> node;
  if (bundle.ok() && args->Has("node")) {
    auto connected = ConnectNode(*args);
    if (!connected.ok()) return report.Usage(connected.error().message);
    node = std::move(*connected);
    auto fresh = FetchFreshness(*node, *bundle);
    if (!fresh.ok()) return report.Fail(fresh.error());
    options.freshness = std::move(*fresh);
  }
  const ledger::BundleReport result =
      bundle.ok() ? ledger::VerifyBundle(*bundle, *genesis, options) : ledger::FormatFailure(bundle.error());

  nlohmann::ordered_json receipt = nullptr;
  if (node && matcher->signer) {
    auto recorded = SubmitReceipt(*node, *bundle, *matcher->signer, args->GetOr("purpose", "verification"), result.ok());
    if (!recorded.ok()) return report.Fail(recorded.error());
    receipt = nlohmann::ordered_json::parse(recorded->dump());
  }
  if (args->Switch("json")) {
    nlohmann::ordered_json out = nlohmann::ordered_json::parse(ledger::BundleReportToJson(result).dump());
    if (bundle.ok()) out["bundle"] = BundleSummaryToJson(*bundle);
    if (node) out["receipt"] = receipt;
    PrintJson(out);
  } else {
    if (bundle.ok()) std::printf("%s\n", RenderBundleSummary(*bundle).c_str());
    std::printf("checks:\n%s\n", RenderChecks(result).c_str());
    if (!receipt.is_null()) std::printf("access receipt recorded at %s\n", node->url().c_str());
    else if (node) std::printf("no access receipt: give --matcher-key to record one\n");
    std::printf("%s\n", result.ok() ? "VALID: every check passed" : "NOT VALID: see the failed checks above");
  }
  return result.ok() ? kExitOk : kExitFailure;
}

}  // namespace jobcard::cli
