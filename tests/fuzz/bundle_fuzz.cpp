// Disclosure bundles (ledger/bundle_json.cpp ParseBundle, ledger/
// bundle_verify.cpp VerifyBundleText) as a matcher reads one a worker sent:
// JSON text, verified offline against a fixed genesis
// (bundle_fuzz_context.json beside this file, written with the seeds by
// tests/tools/bundle_fuzz_seeds).
// Invariants: what parses writes back to JSON that parses to an equal bundle
// with the same hash; a document that does not parse fails the `format`
// check alone; one that parses is judged by every check and never gets a
// `format` check; the text and the parsed bundle get the same verdict; a
// bundle that verifies names the genesis's chain.
#include <fstream>
#include <iterator>

#include "ledger/bundle.h"
#include "ledger/bundle_verify.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;
using namespace jobcard::ledger;

namespace {

struct Context {
  Genesis genesis;
  BundleVerifyOptions options;
};

const Context& Fixed() {
  static const Context context = [] {
    std::ifstream in(std::string(JOBCARD_SOURCE_DIR) + "/tests/fuzz/bundle_fuzz_context.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto json = ParseJson(text, 1024 * 1024, 64);
    FUZZ_CHECK(json.ok());
    auto genesis = ParseGenesis(json->at("genesis").dump());
    FUZZ_CHECK(genesis.ok());
    auto verifier = FixedFromHex<32>(json->at("verifier").get<std::string>());
    FUZZ_CHECK(verifier.ok());
    Context c{*genesis, {}};
    c.options.now = json->at("now").get<std::uint64_t>();
    c.options.verifier = crypto::PublicKey(*verifier);
    return c;
  }();
  return context;
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  const Context& fixed = Fixed();
  const std::string_view text = fuzz::InputText(data, size);
  auto bundle = ParseBundle(text);
  const BundleReport report = VerifyBundleText(text, fixed.genesis, fixed.options);
  FUZZ_CHECK(!report.checks.empty());
  if (!bundle.ok()) {
    FUZZ_CHECK(report.checks.size() == 1);
    FUZZ_CHECK(report.checks[0].name == bundle_check::kFormat && !report.checks[0].passed);
    FUZZ_CHECK(!report.ok());
    return 0;
  }
  FUZZ_CHECK(report.Find(bundle_check::kFormat) == nullptr);
  auto again = ParseBundle(BundleToJson(*bundle).dump());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *bundle);
  FUZZ_CHECK(BundleHash(*again) == BundleHash(*bundle));
  const BundleReport direct = VerifyBundle(*again, fixed.genesis, fixed.options);
  FUZZ_CHECK(direct.ok() == report.ok());
  FUZZ_CHECK(direct.checks.size() == report.checks.size());
  if (report.ok()) {
    FUZZ_CHECK(report.Find(bundle_check::kChain) != nullptr && report.Find(bundle_check::kChain)->passed);
    FUZZ_CHECK(report.Find(bundle_check::kSubjectSignature) != nullptr);
  }
  return 0;
}
