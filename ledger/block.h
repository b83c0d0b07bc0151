// Blocks and commit certificates.
//
// A block header commits to everything a verifier needs: the previous block,
// the block's transactions (tx_root), the state index after the block
// (state_root), the entry log after the block (log_root, log_size) and the
// validator sets. A block is final when a commit certificate carries
// precommit signatures of validators holding more than 2/3 of the voting
// power of the set named by validator_set_hash. spec/blocks.md is normative.
#pragma once

#include <string_view>
#include <vector>

#include "crypto/sign.h"
#include "ledger/state_records.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

struct BlockHeader {
  std::uint64_t height = 0;   // the first block is 1; 0 is genesis
  std::uint64_t time_ms = 0;  // unix milliseconds, strictly increasing
  Hash32 previous_hash{};     // for height 1: the genesis hash
  Hash32 tx_root{};           // RFC 9162 root over the tx ids, in block order
  std::uint32_t tx_count = 0;
  Hash32 state_root{};        // state index root after this block
  Hash32 log_root{};          // entry log root after this block
  std::uint64_t log_size = 0;
  Hash32 validator_set_hash{};       // the set that certifies this block
  Hash32 next_validator_set_hash{};  // the set after this block's governance
  crypto::PublicKey proposer{};
  bool operator==(const BlockHeader&) const = default;
};

struct Block {
  BlockHeader header;
  std::vector<Tx> txs;
};

struct CommitSignature {
  crypto::PublicKey validator{};
  crypto::Signature signature{};
  bool operator==(const CommitSignature&) const = default;
};

struct CommitCertificate {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  Hash32 block_hash{};
  std::vector<CommitSignature> signatures;  // strictly increasing by validator key
  bool operator==(const CommitCertificate&) const = default;
};

inline constexpr std::size_t kHeaderBytes = 8 + 8 + 32 + 32 + 4 + 32 + 32 + 8 + 32 + 32 + 32;
inline constexpr std::size_t kMaxCertificateSignatures = 128;
inline constexpr std::string_view kPrecommitTag = "jobcard.v1.precommit";

Bytes EncodeHeader(const BlockHeader& header);
Result<BlockHeader> DecodeHeader(ByteView bytes);
Hash32 BlockHash(const BlockHeader& header);

// Transactions are encoded one after another, each with a u32 length prefix.
Bytes EncodeBlock(const Block& block);
Result<Block> DecodeBlock(ByteView bytes, std::size_t max_bytes);

Bytes EncodeCertificate(const CommitCertificate& cert);
Result<CommitCertificate> DecodeCertificate(ByteView bytes);

// The RFC 9162 root over the given transaction ids (leaf data = the 32-byte id).
Hash32 TxRoot(const std::vector<EntryId>& ids);

// What a validator signs to precommit `block_hash` at (height, round).
Bytes PrecommitMessage(std::string_view chain_id, std::uint64_t height, std::uint32_t round, const Hash32& block_hash);
CommitSignature SignPrecommit(std::string_view chain_id, std::uint64_t height, std::uint32_t round,
                              const Hash32& block_hash, const crypto::SigningKey& key);

// Checks that the certificate is for this header and that validators of
// `set` holding more than 2/3 of its power signed it.
Status VerifyCertificate(std::string_view chain_id, const BlockHeader& header, const CommitCertificate& cert,
                         const std::vector<ValidatorRecord>& set);

}  // namespace jobcard::ledger
