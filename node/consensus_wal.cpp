#include "node/consensus_wal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/hash.h"
#include "crypto/private_file.h"
#include "ledger/encoding.h"
#include "node/log.h"

namespace jobcard::node {

namespace {

constexpr std::uint8_t kHeightRecord = 1;
constexpr std::uint8_t kMessageRecord = 2;
constexpr std::size_t kFrameHeaderBytes = 8;

Error IoError(const std::string& what, const std::filesystem::path& path) {
  // A full disk gets its own code: the node stops on it with a line that says so.
  return MakeError(errno == ENOSPC ? "wal.no_space" : "wal.io", what + " " + path.string() + ": " + std::strerror(errno));
}

std::uint32_t Checksum(ByteView body) {
  const Hash32 digest = crypto::Sha256(body);
  return (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) | (std::uint32_t{digest[2]} << 8) |
         std::uint32_t{digest[3]};
}

std::uint32_t ReadU32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

Bytes HeightBody(std::uint64_t height) {
  ledger::Writer w;
  w.U8(kHeightRecord).U64(height);
  return std::move(w).take();
}

// Parses the good prefix of `file`; returns its length.
std::uint64_t ParseRecords(ByteView file, std::uint64_t max_bytes, WalContents& out) {
  std::size_t offset = 0;
  bool first = true;
  while (file.size() - offset >= kFrameHeaderBytes) {
    const std::uint32_t length = ReadU32(file.data() + offset);
    const std::uint32_t checksum = ReadU32(file.data() + offset + 4);
    if (length == 0 || length > max_bytes || length > file.size() - offset - kFrameHeaderBytes) break;
    const ByteView body = file.subspan(offset + kFrameHeaderBytes, length);
    if (Checksum(body) != checksum) break;
    if (first) {
      ledger::Reader r(body);
      std::uint8_t type = 0;
      std::uint64_t height = 0;
      r.U8(type);
      r.U64(height);
      if (!r.Finish().ok() || type != kHeightRecord) break;
      out.height = height;
      first = false;
    } else {
      if (body[0] != kMessageRecord) break;
      out.messages.emplace_back(body.begin() + 1, body.end());
    }
    offset += kFrameHeaderBytes + length;
  }
  return offset;
}

}  // namespace

Bytes ConsensusWal::Frame(ByteView body) {
  ledger::Writer w;
  w.U32(static_cast<std::uint32_t>(body.size())).U32(Checksum(body)).Raw(body);
  return std::move(w).take();
}

ConsensusWal::~ConsensusWal() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ConsensusWal>> ConsensusWal::Open(const std::filesystem::path& path, std::uint64_t max_bytes,
                                                        WalContents& recovered) {
  recovered = WalContents{};
  std::unique_ptr<ConsensusWal> wal(new ConsensusWal(path, max_bytes));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    JOBCARD_TRY_STATUS(wal->StartHeight(0));
    return wal;
  }
  // Read at most the bound plus one frame header: anything longer is a
  // damaged tail. Sized first, so a failed size query allocates nothing.
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open", path);
  const std::uint64_t whole = std::filesystem::file_size(path, ec);
  if (ec) return MakeError("wal.io", "cannot size " + path.string() + ": " + ec.message());
  Bytes file(static_cast<std::size_t>(std::min<std::uint64_t>(whole, max_bytes + kFrameHeaderBytes)));
  in.read(reinterpret_cast<char*>(file.data()), static_cast<std::streamsize>(file.size()));
  if (in.gcount() != static_cast<std::streamsize>(file.size())) return IoError("cannot read", path);
  in.close();
  const std::uint64_t good = ParseRecords(file, max_bytes, recovered);
  wal->size_bytes_ = good;
  wal->height_ = recovered.height;
  if (good == 0) {
    // Not even the height marker survived: start over.
    recovered = WalContents{};
    recovered.cut_bytes = whole;
    if (whole > 0) LogWarn("consensus wal: no readable record; starting it over", {{"path", path.string()}, {"bytes", whole}});
    JOBCARD_TRY_STATUS(wal->StartHeight(0));
    return wal;
  }
  JOBCARD_TRY_STATUS(wal->OpenForAppend());
  if (good < whole) {
    recovered.cut_bytes = whole - good;
    LogWarn("consensus wal: cut a truncated or corrupt tail",
            {{"path", path.string()}, {"kept_bytes", good}, {"cut_bytes", whole - good},
             {"records", static_cast<std::uint64_t>(recovered.messages.size())}});
    if (::ftruncate(wal->fd_, static_cast<off_t>(good)) != 0 || ::fsync(wal->fd_) != 0) {
      return IoError("cannot cut the tail of", path);
    }
  }
  return wal;
}

Status ConsensusWal::OpenForAppend() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return IoError("cannot open", path_);
  return Status::Ok();
}

Status ConsensusWal::StartHeight(std::uint64_t height) {
  const Bytes frame = Frame(HeightBody(height));
  JOBCARD_TRY_STATUS(crypto::WritePrivateFileAtomically(
      path_, std::string_view(reinterpret_cast<const char*>(frame.data()), frame.size()), /*replace=*/true, "wal"));
  height_ = height;
  size_bytes_ = frame.size();
  dirty_ = false;
  return OpenForAppend();
}

Result<bool> ConsensusWal::Append(ByteView message) {
  Bytes body;
  body.reserve(message.size() + 1);
  body.push_back(kMessageRecord);
  body.insert(body.end(), message.begin(), message.end());
  const Bytes frame = Frame(body);
  if (size_bytes_ + frame.size() > max_bytes_) return false;
  std::size_t written = 0;
  while (written < frame.size()) {
    const ssize_t n = ::write(fd_, frame.data() + written, frame.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot append to", path_);
    written += static_cast<std::size_t>(n);
  }
  size_bytes_ += frame.size();
  dirty_ = true;
  return true;
}

Status ConsensusWal::Sync() {
  if (!dirty_) return Status::Ok();
  if (::fdatasync(fd_) != 0) return IoError("cannot sync", path_);
  dirty_ = false;
  return Status::Ok();
}

}  // namespace jobcard::node
