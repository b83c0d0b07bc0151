// The consensus write-ahead log (spec/consensus.md §11): what the machine
// received and sent at the height it works on, so that a restarted node
// replays it to where it was. Without it a validator that crashed after
// signing could not resend a vote its peers lost, nor re-propose the block it
// is locked on, and the height could stall for good.
//
// One file. Every record is framed: u32 length, 4-byte checksum (the first
// four bytes of SHA-256 of the body), body. The first record marks the
// height (body: 0x01, u64 height); each later one is a consensus message as
// it travels on the wire (body: 0x02, consensus_wire.h bytes). Starting a new
// height replaces the file atomically with one holding only the new marker,
// so records of committed heights are dropped and the file stays bounded;
// within a height, records past `max_bytes` are not written (a liveness
// loss only: safety rests on the sign state file).
//
// Recovery: Open reads the records in order and stops at the first that is
// truncated, longer than the bound, or fails its checksum (a torn write in a
// crash, a flipped bit). It cuts the file there, logs one warning line, and
// returns the records before it. It never fails on file contents; only on
// I/O errors (code wal.io; wal.no_space when the disk is full).
//
// Durability: Append only writes; Sync makes everything appended durable.
// The host syncs before carrying out any effect that depends on a record
// (a vote, a proposal, a commit).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace jobcard::node {

inline constexpr std::uint64_t kDefaultWalMaxBytes = 64ull * 1024 * 1024;

struct WalContents {
  std::uint64_t height = 0;       // 0: empty or unreadable marker (nothing to replay)
  std::vector<Bytes> messages;    // wire-encoded consensus messages, in the order logged
  std::uint64_t cut_bytes = 0;    // bytes cut from a damaged tail (0: the file was whole)
};

class ConsensusWal {
 public:
  ~ConsensusWal();
  ConsensusWal(const ConsensusWal&) = delete;
  ConsensusWal& operator=(const ConsensusWal&) = delete;

  // Opens or creates the file at `path`; `recovered` receives what it holds.
  static Result<std::unique_ptr<ConsensusWal>> Open(const std::filesystem::path& path, std::uint64_t max_bytes,
                                                   WalContents& recovered);
  // Replaces the log with an empty one for `height` (durably).
  Status StartHeight(std::uint64_t height);
  // Appends one message record, unsynced. Returns false (and writes nothing)
  // when the record would take the file past max_bytes.
  Result<bool> Append(ByteView message);
  // Makes every appended record durable; a no-op when nothing is pending.
  Status Sync();
  std::uint64_t size_bytes() const { return size_bytes_; }
  std::uint64_t height() const { return height_; }

  // Exposed for tests and tools: one framed record.
  static Bytes Frame(ByteView body);

 private:
  ConsensusWal(std::filesystem::path path, std::uint64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {}
  Status OpenForAppend();

  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  int fd_ = -1;
  std::uint64_t size_bytes_ = 0;
  std::uint64_t height_ = 0;
  bool dirty_ = false;
};

}  // namespace jobcard::node
