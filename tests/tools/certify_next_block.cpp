// Commits one empty block on a stopped node's database, certified by the
// validator key files given: what the validators of a changed set would do.
// The portal's validator-change test (tests/portal/transitions.test.mjs) needs
// it because the dev chain has one validator: once the registrar admits a
// second, nothing commits until both sign, and the test has no second node.
// tests/cli/validator_change_test.cpp does the same in process.
// Usage: certify_next_block --home DIR --key FILE [--key FILE ...]
// (key files under the dev passphrase "devnet"). Exit 0 when committed.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keystore.h"
#include "ledger/block.h"
#include "ledger/chain_store.h"
#include "ledger/genesis.h"
#include "node/solo_producer.h"

using namespace jobcard;

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "certify_next_block: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string home;
  std::vector<std::string> key_files;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--home") home = argv[i + 1];
    else if (option == "--key") key_files.emplace_back(argv[i + 1]);
    else return Fail("unknown option " + option);
  }
  if (home.empty() || key_files.empty() || argc % 2 == 0) return Fail("usage: certify_next_block --home DIR --key FILE [--key FILE ...]");
  auto genesis = ledger::LoadGenesisFile(home + "/genesis.json");
  if (!genesis.ok()) return Fail(genesis.error().message);
  std::vector<crypto::SigningKey> keys;
  for (const auto& file : key_files) {
    auto key = crypto::ReadKeystore(file, AsBytes("devnet"));
    if (!key.ok()) return Fail(file + ": " + key.error().message);
    keys.push_back(std::move(*key));
  }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.public_key() < b.public_key(); });
  auto store = ledger::ChainStore::Open(home + "/data", *genesis);
  if (!store.ok()) return Fail(store.error().message);
  auto prepared = node::PrepareNextBlock(**store, {}, (*store)->Tip().time_ms + 1000, keys.front().public_key(), false);
  if (!prepared.ok()) return Fail(prepared.error().message);
  ledger::CommitCertificate cert;
  cert.height = prepared->block.header.height;
  cert.block_hash = prepared->block_hash;
  for (const auto& key : keys) cert.signatures.push_back(ledger::SignPrecommit(genesis->chain_id, cert.height, 0, cert.block_hash, key));
  Status committed = (*store)->Commit(*prepared, cert);
  if (!committed.ok()) return Fail(committed.error().message);
  std::printf("committed block %llu\n", static_cast<unsigned long long>(cert.height));
  return 0;
}
