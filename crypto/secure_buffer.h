// SecureBuffer: secret bytes in sodium_malloc memory (guard pages, locked
// against swap where the OS allows), zeroed and freed on destruction.
// Move-only: a secret has exactly one owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace jobcard::crypto {

class SecureBuffer {
 public:
  SecureBuffer() = default;
  explicit SecureBuffer(std::size_t size);  // zero-filled; aborts if allocation fails
  ~SecureBuffer();
  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;

  static SecureBuffer CopyOf(std::span<const std::uint8_t> bytes);

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const std::uint8_t> view() const { return {data_, size_}; }
  std::span<std::uint8_t> mutable_view() { return {data_, size_}; }

 private:
  void Release();
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace jobcard::crypto
