// The canonical binary encoding (spec/encoding.md).
//
// Integers are fixed-width big-endian. Variable-length byte strings and text
// carry a u32 length prefix; lists carry a u16 count. Fixed-size values
// (hashes, keys, signatures) have no prefix. Optional values carry one
// presence byte that must be 0 or 1. Every read is bounded: a reader never
// allocates more than the caller's stated maximum for a field, and
// Finish() rejects trailing bytes, so each value has exactly one encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace jobcard::ledger {

class Writer {
 public:
  Writer() = default;
  // Room for `bytes` up front: an encoder that knows its size allocates once.
  explicit Writer(std::size_t bytes) { out_.reserve(bytes); }
  Writer& U8(std::uint8_t v);
  Writer& U16(std::uint16_t v);
  Writer& U32(std::uint32_t v);
  Writer& U64(std::uint64_t v);
  Writer& Bool(bool v) { return U8(v ? 1 : 0); }
  Writer& Raw(ByteView bytes);  // no prefix: fixed-size values
  template <std::size_t N>
  Writer& Fixed(const FixedBytes<N>& bytes) {
    return Raw(bytes);
  }
  Writer& VarBytes(ByteView bytes);     // u32 length + bytes
  Writer& Text(std::string_view text);  // u32 length + UTF-8 bytes
  Writer& Count(std::size_t n);         // u16 list count (asserts n <= 65535)

  const Bytes& bytes() const& { return out_; }
  Bytes&& take() && { return std::move(out_); }

 private:
  Bytes out_;
};

// Reader: every method returns false once the input is exhausted or a bound
// is broken; the first failure is kept in error() and later calls fail too,
// so a decoder can read a whole struct and check once.
class Reader {
 public:
  explicit Reader(ByteView input) : input_(input) {}

  bool U8(std::uint8_t& v);
  bool U16(std::uint16_t& v);
  bool U32(std::uint32_t& v);
  bool U64(std::uint64_t& v);
  bool Bool(bool& v);  // only 0 or 1
  template <std::size_t N>
  bool Fixed(FixedBytes<N>& out) {
    return Raw(out.data(), N);
  }
  bool VarBytes(Bytes& out, std::size_t max_size, std::string_view field);
  // UTF-8 validated; no NUL or C0 control characters other than tab and newline.
  bool Text(std::string& out, std::size_t max_size, std::string_view field);
  bool Count(std::size_t& n, std::size_t max_count, std::string_view field);

  // Records a semantic error found by the decoder itself (unknown kind, ...).
  bool Fail(std::string code, std::string message);

  bool ok() const { return ok_; }
  std::size_t remaining() const { return input_.size() - offset_; }
  std::size_t offset() const { return offset_; }
  // Succeeds only if nothing failed and every byte was consumed.
  Status Finish();
  const Error& error() const { return error_; }

 private:
  bool Raw(std::uint8_t* out, std::size_t n);
  ByteView input_;
  std::size_t offset_ = 0;
  bool ok_ = true;
  Error error_;
};

// The rule for every text field: well-formed UTF-8 and no control
// characters other than tab and newline. `field` names it in the error.
Status ValidateText(std::string_view text, std::string_view field);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace jobcard::ledger
