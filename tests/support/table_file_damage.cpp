#include "tests/support/table_file_damage.h"

#include <fstream>
#include <iterator>

namespace jobcard::testing {

namespace fs = std::filesystem;

namespace {

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::pair<fs::path, std::size_t> FindInTableFiles(const fs::path& dir, const std::string& needle) {
  constexpr std::size_t kPieceBytes = 8;
  std::error_code ec;
  for (std::size_t length : {needle.size(), kPieceBytes}) {
    if (length > needle.size() || length == 0) continue;
    for (std::size_t from = 0; from + length <= needle.size(); ++from) {
      const std::string piece = needle.substr(from, length);
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".sst") continue;
        const std::string bytes = ReadAll(entry.path());
        if (auto at = bytes.find(piece); at != std::string::npos) return {entry.path(), at};
      }
    }
  }
  return {};
}

std::string FlipBit(const fs::path& file, std::size_t offset) {
  std::string bytes = ReadAll(file);
  if (offset >= bytes.size()) return "offset " + std::to_string(offset) + " is past the end of " + file.string();
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x10);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.flush();
  return out ? "" : "cannot rewrite " + file.string();
}

}  // namespace jobcard::testing
