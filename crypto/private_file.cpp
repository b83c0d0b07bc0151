#include "crypto/private_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto/bytes.h"
#include "crypto/sodium_init.h"

namespace jobcard::crypto {
namespace {

namespace fs = std::filesystem;

Error FileError(std::string_view domain, const char* reason, std::string message) {
  return MakeError(std::string(domain) + "." + reason, std::move(message));
}

Error IoError(std::string_view domain, const std::string& what, const fs::path& path, int err) {
  // A full disk gets its own code: the node stops on it with a line that says so.
  return FileError(domain, err == ENOSPC ? "no_space" : "io", what + " " + path.string() + ": " + std::strerror(err));
}

// Closes on every path out of a function, so an early return cannot leak it.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // close(2) can report a delayed write error, so a writer must see it.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Removes the temporary file unless the write got as far as moving it.
class TempFileGuard {
 public:
  explicit TempFileGuard(fs::path path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The directory entry is only durable once the directory itself is synced.
Status SyncDirectory(const fs::path& dir, std::string_view domain) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return IoError(domain, "cannot sync directory", dir, errno);
  return Status::Ok();
}

Error ExistsError(std::string_view domain, const fs::path& path) {
  return FileError(domain, "exists", path.string() + " already exists; refusing to overwrite it");
}

fs::path DirectoryOf(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

}  // namespace

Result<std::string> ReadPrivateFile(const fs::path& path, std::size_t max_bytes,
                                    bool require_owner_only, std::string_view error_domain) {
  // O_NONBLOCK so that a FIFO planted at the path cannot hang us before the
  // S_ISREG check; it has no effect on regular files.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return FileError(error_domain, "not_found", "no file at " + path.string());
    }
    return IoError(error_domain, "cannot open", path, err);
  }
  // Checked on the open descriptor, not the name, so the file judged is the
  // file read.
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(error_domain, "cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return FileError(error_domain, "not_a_file", path.string() + " is not a regular file");
  }
  if (require_owner_only && (st.st_mode & 077) != 0) {
    return FileError(error_domain, "insecure_mode",
                     path.string() + " has mode " + ModeText(st.st_mode) +
                         ", so other users may read or change it; run: chmod 600 " + path.string());
  }
  auto too_large = [&] {
    return FileError(error_domain, "too_large",
                     path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) return too_large();

  // The file may grow after fstat; read one byte past the bound to notice.
  std::string contents(max_bytes + 1, '\0');
  std::size_t used = 0;
  while (used < contents.size()) {
    ssize_t n = ::read(fd.get(), contents.data() + used, contents.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(error_domain, "cannot read", path, errno);
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return too_large();
  contents.resize(used);
  return contents;
}

Status CheckCanCreate(const fs::path& path, bool replace, std::string_view error_domain) {
  if (path.empty() || !path.has_filename()) {
    return FileError(error_domain, "not_a_file",
                     "'" + path.string() + "' does not name a file (give a file name, not a directory)");
  }
  std::error_code ec;
  fs::file_status status = fs::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return IoError(error_domain, "cannot inspect", path, ec.value());
  }
  if (!fs::exists(status)) return Status::Ok();
  if (fs::is_directory(fs::status(path, ec))) {
    return FileError(error_domain, "not_a_file",
                     path.string() + " is a directory; give the path of a file inside it");
  }
  if (!replace) return ExistsError(error_domain, path);
  return Status::Ok();
}

Status WritePrivateFileAtomically(const fs::path& path, std::string_view contents, bool replace,
                                  std::string_view error_domain) {
  JOBCARD_TRY_STATUS(CheckCanCreate(path, replace, error_domain));
  EnsureSodium();
  const fs::path dir = DirectoryOf(path);
  FixedBytes<8> suffix{};
  randombytes_buf(suffix.data(), suffix.size());
  const fs::path temp = dir / ("." + path.filename().string() + ".tmp-" + ToHex(suffix));

  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return IoError(error_domain, "cannot create a file in", dir, errno);
  TempFileGuard guard(temp);
  // The umask may have removed owner bits; the mode must be exactly 0600.
  if (::fchmod(fd.get(), 0600) != 0) return IoError(error_domain, "cannot chmod", temp, errno);
  if (!WriteAll(fd.get(), contents)) return IoError(error_domain, "cannot write", temp, errno);
  if (::fsync(fd.get()) != 0) return IoError(error_domain, "cannot sync", temp, errno);
  if (fd.Close() != 0) return IoError(error_domain, "cannot close", temp, errno);

  if (replace) {
    if (::rename(temp.c_str(), path.c_str()) != 0) return IoError(error_domain, "cannot move into place", path, errno);
    guard.Release();
  } else {
    // link(2) fails with EEXIST instead of replacing: no check-then-write race.
    if (::link(temp.c_str(), path.c_str()) != 0) {
      int err = errno;
      if (err == EEXIST) return ExistsError(error_domain, path);
      return IoError(error_domain, "cannot move into place", path, err);
    }
    // Drop the temporary name before the directory sync so that it is made
    // durable too; the new name keeps the data.
    ::unlink(temp.c_str());
    guard.Release();
  }
  return SyncDirectory(dir, error_domain);
}

}  // namespace jobcard::crypto
