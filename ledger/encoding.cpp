#include "ledger/encoding.h"

#include <cassert>
#include <cstring>

namespace jobcard::ledger {

Writer& Writer::U8(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}
Writer& Writer::U16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
  return *this;
}
Writer& Writer::U32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  return *this;
}
Writer& Writer::U64(std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  return *this;
}
Writer& Writer::Raw(ByteView bytes) {
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  return *this;
}
Writer& Writer::VarBytes(ByteView bytes) {
  assert(bytes.size() <= 0xffffffffu);
  U32(static_cast<std::uint32_t>(bytes.size()));
  return Raw(bytes);
}
Writer& Writer::Text(std::string_view text) { return VarBytes(AsBytes(text)); }
Writer& Writer::Count(std::size_t n) {
  assert(n <= 0xffff);
  return U16(static_cast<std::uint16_t>(n));
}

bool Reader::Fail(std::string code, std::string message) {
  if (ok_) {
    ok_ = false;
    error_ = MakeError(std::move(code), std::move(message));
  }
  return false;
}

bool Reader::Raw(std::uint8_t* out, std::size_t n) {
  if (!ok_) return false;
  if (remaining() < n) {
    return Fail("encoding.truncated", "input ends after " + std::to_string(input_.size()) +
                                          " bytes, in the middle of a value at offset " +
                                          std::to_string(offset_));
  }
  if (n > 0) std::memcpy(out, input_.data() + offset_, n);
  offset_ += n;
  return true;
}

bool Reader::U8(std::uint8_t& v) { return Raw(&v, 1); }
bool Reader::U16(std::uint16_t& v) {
  std::uint8_t b[2];
  if (!Raw(b, 2)) return false;
  v = static_cast<std::uint16_t>((b[0] << 8) | b[1]);
  return true;
}
bool Reader::U32(std::uint32_t& v) {
  std::uint8_t b[4];
  if (!Raw(b, 4)) return false;
  v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  return true;
}
bool Reader::U64(std::uint64_t& v) {
  std::uint8_t b[8];
  if (!Raw(b, 8)) return false;
  v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  return true;
}
bool Reader::Bool(bool& v) {
  std::uint8_t b = 0;
  if (!U8(b)) return false;
  if (b > 1) return Fail("encoding.bad_bool", "a flag byte must be 0 or 1");
  v = b == 1;
  return true;
}

bool Reader::VarBytes(Bytes& out, std::size_t max_size, std::string_view field) {
  std::uint32_t n = 0;
  if (!U32(n)) return false;
  if (n > max_size) {
    return Fail("encoding.oversize", std::string(field) + " is " + std::to_string(n) +
                                         " bytes; the maximum is " + std::to_string(max_size));
  }
  if (remaining() < n) return Raw(nullptr, n);  // reports truncation without allocating
  out.assign(input_.begin() + static_cast<std::ptrdiff_t>(offset_),
             input_.begin() + static_cast<std::ptrdiff_t>(offset_ + n));
  offset_ += n;
  return true;
}

bool Reader::Text(std::string& out, std::size_t max_size, std::string_view field) {
  Bytes raw;
  if (!VarBytes(raw, max_size, field)) return false;
  out.assign(raw.begin(), raw.end());
  Status valid = ValidateText(out, field);
  if (!valid.ok()) return Fail(valid.error().code, valid.error().message);
  return true;
}

Status ValidateText(std::string_view text, std::string_view field) {
  if (!IsValidUtf8(text)) return MakeError("encoding.bad_utf8", std::string(field) + " is not valid UTF-8");
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
      return MakeError("encoding.control_char", std::string(field) + " contains a control character");
    }
  }
  return Status::Ok();
}

bool Reader::Count(std::size_t& n, std::size_t max_count, std::string_view field) {
  std::uint16_t c = 0;
  if (!U16(c)) return false;
  if (c > max_count) {
    return Fail("encoding.too_many", std::string(field) + " has " + std::to_string(c) +
                                         " items; the maximum is " + std::to_string(max_count));
  }
  n = c;
  return true;
}

Status Reader::Finish() {
  if (!ok_) return error_;
  if (remaining() != 0) {
    return MakeError("encoding.trailing_bytes",
                     std::to_string(remaining()) + " unexpected bytes after the end of the value");
  }
  return Status::Ok();
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace jobcard::ledger
