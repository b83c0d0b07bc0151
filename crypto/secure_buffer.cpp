#include "crypto/secure_buffer.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "crypto/sodium_init.h"

namespace jobcard::crypto {

SecureBuffer::SecureBuffer(std::size_t size) : size_(size) {
  EnsureSodium();
  if (size == 0) return;
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) {
    std::fputs("fatal: sodium_malloc failed\n", stderr);
    std::abort();
  }
  sodium_memzero(data_, size);
}

SecureBuffer::~SecureBuffer() { Release(); }

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecureBuffer SecureBuffer::CopyOf(std::span<const std::uint8_t> bytes) {
  SecureBuffer out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

void SecureBuffer::Release() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free zeroes before freeing
  data_ = nullptr;
  size_ = 0;
}

}  // namespace jobcard::crypto
