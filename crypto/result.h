// Result<T>: the value of an operation that can fail for operating reasons
// (bad input, a wrong passphrase, a missing file). Programmer errors are
// assertions instead. No exceptions cross a module boundary: every public
// function that can fail returns a Result or a Status.
//
// Error codes are stable, dotted, lower-case strings ("encoding.truncated",
// "keystore.wrong_passphrase"); the API and the CLI expose them verbatim, so
// renaming one is a breaking change. The message is for a person.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace jobcard {

struct Error {
  std::string code;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Status: a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error MakeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace jobcard

// Early return of the error from an expression yielding Result or Status.
#define JOBCARD_TRY_STATUS(expr)                      \
  do {                                                \
    auto jobcard_try_status_ = (expr);                \
    if (!jobcard_try_status_.ok()) {                  \
      return jobcard_try_status_.error();             \
    }                                                 \
  } while (false)
