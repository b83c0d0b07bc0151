#include "ledger/block.h"

#include <algorithm>

#include "crypto/hash.h"
#include "ledger/encoding.h"
#include "ledger/merkle_log.h"

namespace jobcard::ledger {

Bytes EncodeHeader(const BlockHeader& h) {
  Writer w;
  w.U64(h.height).U64(h.time_ms).Fixed(h.previous_hash).Fixed(h.tx_root).U32(h.tx_count).Fixed(h.state_root);
  w.Fixed(h.log_root).U64(h.log_size).Fixed(h.validator_set_hash).Fixed(h.next_validator_set_hash).Fixed(h.proposer);
  return std::move(w).take();
}

Result<BlockHeader> DecodeHeader(ByteView bytes) {
  Reader r(bytes);
  BlockHeader h;
  r.U64(h.height);
  r.U64(h.time_ms);
  r.Fixed(h.previous_hash);
  r.Fixed(h.tx_root);
  r.U32(h.tx_count);
  r.Fixed(h.state_root);
  r.Fixed(h.log_root);
  r.U64(h.log_size);
  r.Fixed(h.validator_set_hash);
  r.Fixed(h.next_validator_set_hash);
  r.Fixed(h.proposer);
  Status s = r.Finish();
  if (!s.ok()) return s.error();
  return h;
}

Hash32 BlockHash(const BlockHeader& header) { return crypto::TaggedHash("jobcard.v1.block_header", EncodeHeader(header)); }

Bytes EncodeBlock(const Block& block) {
  Writer w;
  w.Raw(EncodeHeader(block.header)).U32(static_cast<std::uint32_t>(block.txs.size()));
  for (const auto& tx : block.txs) w.VarBytes(EncodeTx(tx));
  return std::move(w).take();
}

Result<Block> DecodeBlock(ByteView bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes) return MakeError("block.too_large", "the block is larger than " + std::to_string(max_bytes) + " bytes");
  if (bytes.size() < kHeaderBytes + 4) return MakeError("encoding.truncated", "the block is shorter than its header");
  Block block;
  auto header = DecodeHeader(bytes.first(kHeaderBytes));
  if (!header.ok()) return header.error();
  block.header = *header;
  Reader r(bytes.subspan(kHeaderBytes));
  std::uint32_t count = 0;
  r.U32(count);
  if (count != block.header.tx_count) return MakeError("block.tx_count", "the block's transaction count does not match its header");
  // Each transaction takes at least 4 bytes: refuse counts the input cannot hold before reserving.
  if (count > r.remaining() / 4) return MakeError("encoding.truncated", "the block claims more transactions than it holds");
  block.txs.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Bytes raw;
    if (!r.VarBytes(raw, kMaxTxBytes, "transaction")) break;
    auto tx = DecodeTx(raw);
    if (!tx.ok()) return MakeError(tx.error().code, "transaction " + std::to_string(i) + ": " + tx.error().message);
    block.txs.push_back(std::move(*tx));
  }
  Status s = r.Finish();
  if (!s.ok()) return s.error();
  return block;
}

Bytes EncodeCertificate(const CommitCertificate& c) {
  Writer w;
  w.U64(c.height).U32(c.round).Fixed(c.block_hash).Count(c.signatures.size());
  for (const auto& s : c.signatures) w.Fixed(s.validator).Fixed(s.signature);
  return std::move(w).take();
}

Result<CommitCertificate> DecodeCertificate(ByteView bytes) {
  Reader r(bytes);
  CommitCertificate c;
  std::size_t n = 0;
  r.U64(c.height);
  r.U32(c.round);
  r.Fixed(c.block_hash);
  if (r.Count(n, kMaxCertificateSignatures, "certificate signatures")) {
    c.signatures.resize(n);
    for (auto& s : c.signatures) {
      r.Fixed(s.validator);
      r.Fixed(s.signature);
    }
  }
  Status s = r.Finish();
  if (!s.ok()) return s.error();
  for (std::size_t i = 1; i < c.signatures.size(); ++i) {
    if (!(c.signatures[i - 1].validator < c.signatures[i].validator)) {
      return MakeError("certificate.signature_order", "certificate signatures must be sorted by validator key, each once");
    }
  }
  return c;
}

Hash32 TxRoot(const std::vector<EntryId>& ids) {
  // Computed level by level (RFC 9162 MTH): an odd node at the end of a level
  // is promoted unchanged, which matches the recursive definition.
  if (ids.empty()) return EmptyRoot();
  std::vector<Hash32> level;
  level.reserve(ids.size());
  for (const auto& id : ids) level.push_back(LeafHash(id));
  while (level.size() > 1) {
    std::vector<Hash32> next;
    next.reserve((level.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(NodeHash(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

Bytes PrecommitMessage(std::string_view chain_id, std::uint64_t height, std::uint32_t round, const Hash32& block_hash) {
  Writer w;
  w.Text(chain_id).U64(height).U32(round).Fixed(block_hash);
  return std::move(w).take();
}

CommitSignature SignPrecommit(std::string_view chain_id, std::uint64_t height, std::uint32_t round,
                              const Hash32& block_hash, const crypto::SigningKey& key) {
  return CommitSignature{key.public_key(), key.Sign(kPrecommitTag, PrecommitMessage(chain_id, height, round, block_hash))};
}

Status VerifyCertificate(std::string_view chain_id, const BlockHeader& header, const CommitCertificate& cert,
                         const std::vector<ValidatorRecord>& set) {
  if (cert.height != header.height || cert.block_hash != BlockHash(header)) {
    return MakeError("certificate.mismatch", "the certificate is for another block");
  }
  if (ValidatorSetHash(set) != header.validator_set_hash) {
    return MakeError("certificate.validator_set", "the validator set does not match the header");
  }
  std::uint64_t total = 0, signed_power = 0;
  for (const auto& v : set) total += v.power;
  Bytes message = PrecommitMessage(chain_id, cert.height, cert.round, cert.block_hash);
  for (std::size_t i = 0; i < cert.signatures.size(); ++i) {
    const auto& s = cert.signatures[i];
    if (i > 0 && !(cert.signatures[i - 1].validator < s.validator)) {
      return MakeError("certificate.signature_order", "certificate signatures must be sorted by validator key, each once");
    }
    auto it = std::find_if(set.begin(), set.end(), [&](const ValidatorRecord& v) { return v.key == s.validator; });
    if (it == set.end()) return MakeError("certificate.unknown_validator", "a signer is not in the validator set");
    if (!crypto::Verify(s.validator, kPrecommitTag, message, s.signature)) {
      return MakeError("certificate.bad_signature", "a precommit signature does not verify");
    }
    signed_power += it->power;
  }
  if (signed_power * 3 <= total * 2) {
    return MakeError("certificate.insufficient_power", "the signers hold " + std::to_string(signed_power) + " of " +
                                                           std::to_string(total) + " voting power; more than 2/3 is needed");
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
