// The replay walk of CheckChain (chain_check.h, steps 1-3); the row
// comparison of step 4 is in chain_check_rows.cpp.
#include "ledger/chain_check.h"

#include "ledger/encoding.h"

namespace jobcard::ledger {

namespace {


CheckProblem Problem(std::uint64_t height, std::string what, std::string expected, std::string found) {
  return CheckProblem{height, std::move(what), std::move(expected), std::move(found)};
}

std::string BlockName(std::uint64_t height) { return "block " + std::to_string(height); }

Bytes HeightKey(std::uint64_t height) {
  Writer w;
  w.U64(height);
  return std::move(w).take();
}

struct StoredBlock {
  BlockHeader header;
  std::vector<EntryId> ids;
};

// The block row at `height`: header || u32 count || tx ids.
std::optional<CheckProblem> ReadStoredBlock(const ChainStore& stored, std::uint64_t height, StoredBlock& out) {
  auto row = stored.ReadRow(StoreFamily::kBlocks, HeightKey(height));
  if (!row.ok()) return Problem(height, BlockName(height) + ": the row cannot be read", "a readable row", row.error().message);
  if (!*row) return Problem(height, BlockName(height) + " is missing", "a block row", "no row");
  const ByteView bytes(**row);
  const std::string undecodable = BlockName(height) + ": the row does not decode";
  if (bytes.size() < kHeaderBytes + 4) return Problem(height, undecodable, "a header and a tx count", std::to_string(bytes.size()) + " bytes");
  auto header = DecodeHeader(bytes.first(kHeaderBytes));
  if (!header.ok()) return Problem(height, undecodable, "a header", header.error().message);
  Reader r(bytes.subspan(kHeaderBytes));
  std::uint32_t count = 0;
  r.U32(count);
  if (count != header->tx_count || r.remaining() != static_cast<std::size_t>(count) * 32) {
    return Problem(height, undecodable, std::to_string(header->tx_count) + " tx ids",
                   "count " + std::to_string(count) + " and " + std::to_string(r.remaining()) + " bytes of ids");
  }
  out.header = *header;
  out.ids.assign(count, EntryId{});
  for (auto& id : out.ids) r.Fixed(id);
  if (out.header.height != height) {
    return Problem(height, BlockName(height) + ": the header names another height", std::to_string(height),
                   std::to_string(out.header.height));
  }
  return std::nullopt;
}

// Each listed transaction is stored under its id, hashes to it, and is
// located at (height, index).
std::optional<CheckProblem> ReadStoredTxs(const ChainStore& stored, std::uint64_t height, const std::vector<EntryId>& ids,
                                          std::vector<Tx>& out) {
  const std::string& chain_id = stored.genesis().chain_id;
  for (std::uint32_t i = 0; i < ids.size(); ++i) {
    const std::string name = BlockName(height) + ": transaction " + std::to_string(i) + " (" + ToHex(ids[i]) + ")";
    auto row = stored.ReadRow(StoreFamily::kTxs, ids[i]);
    if (!row.ok()) return Problem(height, name + " cannot be read", "a readable row", row.error().message);
    if (!*row) return Problem(height, name + " is missing from the txs family", "a transaction row", "no row");
    const ByteView bytes(**row);
    if (bytes.size() < kTxLocationBytes) return Problem(height, name + " does not decode", "a location and a transaction", std::to_string(bytes.size()) + " bytes");
    auto location = DecodeTxLocation(bytes.first(kTxLocationBytes));
    auto tx = DecodeTx(bytes.subspan(kTxLocationBytes));
    if (!location.ok() || !tx.ok()) {
      return Problem(height, name + " does not decode", "a location and a transaction",
                     location.ok() ? tx.error().message : location.error().message);
    }
    const EntryId actual = TxId(chain_id, *tx);
    if (actual != ids[i]) return Problem(height, name + ": the stored bytes do not hash to its id", ToHex(ids[i]), ToHex(actual));
    if (location->height != height || location->index_in_block != i) {
      return Problem(height, name + ": its location record names another place",
                     "height " + std::to_string(height) + " index " + std::to_string(i),
                     "height " + std::to_string(location->height) + " index " + std::to_string(location->index_in_block));
    }
    out.push_back(std::move(*tx));
  }
  return std::nullopt;
}

// The first header field where the stored header differs from re-execution.
std::optional<CheckProblem> CompareHeaders(const BlockHeader& computed, const BlockHeader& stored) {
  const std::string prefix = BlockName(stored.height) + ": ";
  const std::string suffix = " differs from re-execution";
  if (computed.tx_count != stored.tx_count) {
    return Problem(stored.height, prefix + "tx_count" + suffix, std::to_string(computed.tx_count), std::to_string(stored.tx_count));
  }
  const std::pair<const char*, const Hash32 BlockHeader::*> hashes[] = {
      {"tx_root", &BlockHeader::tx_root},
      {"state_root", &BlockHeader::state_root},
      {"log_root", &BlockHeader::log_root},
      {"validator_set_hash", &BlockHeader::validator_set_hash},
      {"next_validator_set_hash", &BlockHeader::next_validator_set_hash},
  };
  for (const auto& [name, field] : hashes) {
    if (computed.*field != stored.*field) return Problem(stored.height, prefix + name + suffix, ToHex(computed.*field), ToHex(stored.*field));
  }
  if (computed.log_size != stored.log_size) {
    return Problem(stored.height, prefix + "log_size" + suffix, std::to_string(computed.log_size), std::to_string(stored.log_size));
  }
  return std::nullopt;
}

std::optional<CheckProblem> CheckCertificate(const ChainStore& stored, const ChainStore& replay, const BlockHeader& header,
                                             CommitCertificate& out) {
  const std::uint64_t h = header.height;
  auto row = stored.ReadRow(StoreFamily::kCerts, HeightKey(h));
  if (!row.ok()) return Problem(h, BlockName(h) + ": the certificate cannot be read", "a readable row", row.error().message);
  if (!*row) return Problem(h, BlockName(h) + ": the certificate is missing", "a certificate row", "no row");
  auto cert = DecodeCertificate(**row);
  if (!cert.ok()) return Problem(h, BlockName(h) + ": the certificate does not decode", "a certificate", cert.error().message);
  const auto set = replay.GetValidators();
  Status verified = VerifyCertificate(stored.genesis().chain_id, header, *cert, set);
  if (!verified.ok()) {
    return Problem(h, BlockName(h) + ": the certificate does not verify against the validator set in force",
                   "precommits of more than 2/3 of the power of the " + std::to_string(set.size()) +
                       "-validator set " + ToHex(ValidatorSetHash(set)).substr(0, 16),
                   verified.error().message + " [" + verified.error().code + "]");
  }
  out = std::move(*cert);
  return std::nullopt;
}

std::optional<CheckProblem> CompareTips(const ChainTip& expected, const ChainTip& found) {
  const std::string what = "the tip record: ";
  auto problem = [&](const char* field, std::string e, std::string f) {
    return Problem(found.height, what + field + " differs from the replayed chain", std::move(e), std::move(f));
  };
  if (expected.height != found.height) return problem("height", std::to_string(expected.height), std::to_string(found.height));
  if (expected.block_hash != found.block_hash) return problem("block_hash", ToHex(expected.block_hash), ToHex(found.block_hash));
  if (expected.time_ms != found.time_ms) return problem("time_ms", std::to_string(expected.time_ms), std::to_string(found.time_ms));
  if (expected.state_root != found.state_root) return problem("state_root", ToHex(expected.state_root), ToHex(found.state_root));
  if (expected.log_root != found.log_root) return problem("log_root", ToHex(expected.log_root), ToHex(found.log_root));
  if (expected.log_size != found.log_size) return problem("log_size", std::to_string(expected.log_size), std::to_string(found.log_size));
  return std::nullopt;
}

ChainCheckReport WithProblem(ChainCheckReport report, CheckProblem problem) {
  report.problem = std::move(problem);
  return report;
}

void Progress(const ChainCheckOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

}  // namespace

Result<ChainCheckReport> CheckChain(const ChainStore& stored, ChainStore& replay, const ChainCheckOptions& options) {
  ChainCheckReport report;
  const ChainTip tip = stored.Tip();
  report.tip_height = tip.height;
  if (replay.Tip().height != 0) return MakeError("check.replay_not_empty", "the replay store must be new (at height 0)");

  Progress(options, "verifying the checksums of every database file");
  if (Status files = stored.VerifyFileChecksums(); !files.ok()) {
    report.problem = Problem(0, "database files: a block checksum does not verify", "every checksum verifies",
                             files.error().message + " [" + files.error().code + "]");
    return report;
  }

  Hash32 previous_hash = GenesisHash(stored.genesis());
  for (std::uint64_t h = 1; h <= tip.height; ++h) {
    StoredBlock block;
    if (auto p = ReadStoredBlock(stored, h, block)) return WithProblem(report, std::move(*p));
    if (block.header.previous_hash != previous_hash) {
      report.problem = Problem(h, BlockName(h) + ": previous_hash does not link to " + (h == 1 ? std::string("the genesis") : BlockName(h - 1)),
                               ToHex(previous_hash), ToHex(block.header.previous_hash));
      return report;
    }
    std::vector<Tx> txs;
    if (auto p = ReadStoredTxs(stored, h, block.ids, txs)) return WithProblem(report, std::move(*p));

    auto prepared = replay.PrepareBlock(txs, block.header.time_ms, block.header.proposer);
    if (!prepared.ok()) {
      report.problem = Problem(h, BlockName(h) + ": re-execution failed", "a block that extends " + BlockName(h - 1),
                               prepared.error().message + " [" + prepared.error().code + "]");
      return report;
    }
    for (std::size_t i = 0; i < prepared->execution.outcomes.size(); ++i) {
      const auto& outcome = prepared->execution.outcomes[i];
      if (!outcome.status.ok()) {
        report.problem = Problem(h, BlockName(h) + ": transaction " + std::to_string(i) + " (" + ToHex(outcome.id) + ") is invalid on re-execution",
                                 "a valid transaction", outcome.status.error().message + " [" + outcome.status.error().code + "]");
        return report;
      }
    }
    if (auto p = CompareHeaders(prepared->block.header, block.header)) return WithProblem(report, std::move(*p));

    CommitCertificate cert;
    if (auto p = CheckCertificate(stored, replay, block.header, cert)) return WithProblem(report, std::move(*p));
    JOBCARD_TRY_STATUS(replay.Commit(*prepared, cert));
    previous_hash = prepared->block_hash;
    report.blocks_checked = h;
    if (options.progress_every_blocks > 0 && (h % options.progress_every_blocks == 0 || h == tip.height)) {
      Progress(options, "checked block " + std::to_string(h) + " of " + std::to_string(tip.height));
    }
  }

  if (auto p = CompareTips(replay.Tip(), stored.Tip())) return WithProblem(report, std::move(*p));
  // The replay's last pages may still wait in memory (smt_page_backlog.h);
  // `stored`, freshly opened, has none waiting (Open writes them).
  JOBCARD_TRY_STATUS(replay.WriteBackStatePages());
  Progress(options, "comparing every index, state record and tree node with the replayed chain");
  report.problem = CompareStoreRows(stored, replay, report.rows_compared);
  return report;
}

}  // namespace jobcard::ledger
