// Damage a bad disk would do to a stopped store's RocksDB table files:
// find where some of a row's bytes lie in a `.sst` file and flip a bit
// there. Shared by the store's corruption tests and the chaos harness.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>

namespace jobcard::testing {

// The `.sst` file in `dir` holding `needle` (e.g. a block's tx root, a hash
// stored nowhere else), and the offset of it there; {"", 0} when none
// does. A table file does not always hold the bytes whole: block
// compression can cut them (a block's 32-byte root was once in no file
// while most of its 8-byte pieces were), so an 8-byte piece will do: any
// byte flipped there lies in the same data block, which one checksum covers.
std::pair<std::filesystem::path, std::size_t> FindInTableFiles(const std::filesystem::path& dir, const std::string& needle);

// Flips bit 4 of the byte at `offset` of `file`; "" on success, else why not.
std::string FlipBit(const std::filesystem::path& file, std::size_t offset);

}  // namespace jobcard::testing
