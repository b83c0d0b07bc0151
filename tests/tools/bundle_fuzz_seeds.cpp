// Writes what bundle_fuzz needs and cannot build itself (a store-backed
// chain lives in the test support code, which the fuzz build leaves out):
//   <fuzz dir>/bundle_fuzz_context.json   the genesis, the matcher's key and
//                                         the time the bundles verify at
//   <fuzz dir>/corpus/bundle_fuzz/seed-*  real bundles of that chain
// Usage: bundle_fuzz_seeds TESTS_FUZZ_DIR (make fuzz-seeds passes
// tests/fuzz). The chain is deterministic (fixed keys and dates), so
// rerunning rewrites the same genesis; fuzz_corpus_test checks that the
// committed seeds still verify against the committed context.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "ledger/bundle.h"
#include "ledger/bundle_assemble.h"
#include "ledger/genesis.h"
#include "tests/support/dated_chain.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

using namespace jobcard;
using namespace jobcard::ledger;
namespace fs = std::filesystem;
namespace jt = jobcard::testing;

namespace {

constexpr std::uint64_t kCreatedAt = 1800000000;  // 2027-01-15, as tests/ledger/bundle_test.cpp

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    std::cerr << "bundle_fuzz_seeds: cannot write " << path << "\n";
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bundle_fuzz_seeds TESTS_FUZZ_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  jt::TempDir dir;
  jt::DatedChain chain((dir.path() / "chain").string());
  const auto& c = chain.chain();
  chain.BeginBlock("2026-04-01");
  chain.Enroll(1);
  chain.Commit();
  chain.BeginBlock("2026-04-02");
  const EntryId hire = chain.Entry(jt::EntrySpec(TxKind::kHire, c.a, 1, "2019-04-01")
                                       .Fields({{PayloadFieldId::kEmploymentType, "regular"},
                                                {PayloadFieldId::kPosition, "staff"},
                                                {PayloadFieldId::kDepartment, "営業部 札幌支店"}}));
  chain.Commit();
  chain.BeginBlock("2026-04-03");
  const EntryId promotion = chain.Entry(jt::EntrySpec(TxKind::kPositionChange, c.a, 1, "2021-04-01"));
  const EntryId secondment = chain.Entry(
      jt::EntrySpec(TxKind::kSecondmentStart, c.a, 1, "2022-10-01").Host(c.b).ExpectedEnd("2023-09-30"));
  chain.Commit();
  chain.BeginBlock("2026-04-04");
  const EntryId correction = chain.Entry(jt::EntrySpec(TxKind::kCorrection, c.a, 1, "2021-04-01").Ref(promotion).Reason(1));
  chain.Commit();

  const crypto::SigningKey matcher = jt::KeyFromByte(0x50);
  const auto subject = jt::SyntheticSubject(1);
  auto make = [&](const std::vector<EntryId>& ids, std::optional<BundlePeriod> period) {
    auto material = MaterialFromStore(chain.store(), subject, ids);
    if (!material.ok()) {
      std::cerr << "bundle_fuzz_seeds: " << material.error().message << "\n";
      std::exit(1);
    }
    BundleRequest request{matcher.public_key(), kCreatedAt, kCreatedAt + 30 * 86400, period, DefaultDisclosure()};
    auto bundle = AssembleBundle(std::move(*material), request, jt::SubjectSigningKey(subject));
    if (!bundle.ok()) {
      std::cerr << "bundle_fuzz_seeds: " << bundle.error().message << "\n";
      std::exit(1);
    }
    return BundleToJson(*bundle).dump(1);
  };
  WriteFile(out / "corpus" / "bundle_fuzz" / "seed-hire", make({hire}, std::nullopt));
  WriteFile(out / "corpus" / "bundle_fuzz" / "seed-career", make({hire, secondment, correction}, std::nullopt));
  WriteFile(out / "corpus" / "bundle_fuzz" / "seed-period",
            make({hire, secondment, correction}, BundlePeriod{jt::D("2019-01-01"), jt::D("2026-12-31")}));

  const nlohmann::json context{{"genesis", GenesisToJson(c.genesis)},
                               {"verifier", ToHex(matcher.public_key())},
                               {"now", kCreatedAt + 60}};
  WriteFile(out / "bundle_fuzz_context.json", context.dump(1) + "\n");
  std::cout << "bundle_fuzz_seeds: wrote " << (out / "bundle_fuzz_context.json") << " and 3 seeds\n";
  return 0;
}
