// A naive RFC 9162 Merkle tree for tests, written straight from the
// recursive definitions of §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1
// (PROOF/SUBPROOF) and sharing no code with ledger/: it hashes with plain
// SHA-256 over concatenated bytes, so a mistake in LeafHash or NodeHash
// cannot hide in both. Quadratic and slow by design; fine for small trees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/hash.h"

namespace jobcard::ledger::reference {

// A proof with its shape: one letter per hash saying where it sits, 'L' a
// left sibling, 'R' a right sibling, 'S' the seed MTH(D[m]) of a consistency
// proof. Two proofs with the same shape make a verifier compute the same
// expression, which is how the tests tell a mutation that must fail from one
// the RFC cannot tell apart (the proof does not authenticate the tree size).
struct Proof {
  std::vector<Hash32> hashes;
  std::string shape;

  void Add(const Hash32& hash, char where) {
    hashes.push_back(hash);
    shape.push_back(where);
  }
  void Append(const Proof& other) {
    hashes.insert(hashes.end(), other.hashes.begin(), other.hashes.end());
    shape += other.shape;
  }
};

// The largest power of two smaller than n (n > 1), as the RFC words it.
inline std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

class Tree {
 public:
  explicit Tree(std::vector<Bytes> data) : data_(std::move(data)) {}

  std::uint64_t leaf_count() const { return data_.size(); }

  // MTH(D[lo:hi]). Memoised only to keep exhaustive tests fast.
  Hash32 Mth(std::uint64_t lo, std::uint64_t hi) const {
    auto cached = mth_cache_.find({lo, hi});
    if (cached != mth_cache_.end()) return cached->second;
    Hash32 out;
    const std::uint64_t n = hi - lo;
    if (n == 0) {
      out = crypto::Sha256(ByteView());
    } else if (n == 1) {
      const Bytes prefix = {0x00};
      out = crypto::Sha256(Concat({prefix, data_[lo]}));
    } else {
      const std::uint64_t k = LargestPowerOfTwoBelow(n);
      const Bytes prefix = {0x01};
      const Hash32 left = Mth(lo, lo + k);
      const Hash32 right = Mth(lo + k, hi);
      out = crypto::Sha256(Concat({prefix, left, right}));
    }
    mth_cache_[{lo, hi}] = out;
    return out;
  }
  Hash32 Root(std::uint64_t n) const { return Mth(0, n); }

  // PATH(m, D[n]), m relative to the first n leaves.
  Proof Path(std::uint64_t m, std::uint64_t n) const { return Path(m, 0, n); }

  // PROOF(m, D[n]) = SUBPROOF(m, D[n], true), defined for 0 < m <= n.
  Proof Consistency(std::uint64_t m, std::uint64_t n) const {
    if (m == 0) return Proof{};  // outside the RFC's domain; would not terminate
    return Subproof(m, 0, n, true);
  }

 private:
  // PATH(m, D[lo:hi]) with m relative to lo.
  Proof Path(std::uint64_t m, std::uint64_t lo, std::uint64_t hi) const {
    Proof proof;
    const std::uint64_t n = hi - lo;
    if (n == 1) return proof;  // PATH(0, {d(0)}) = {}
    const std::uint64_t k = LargestPowerOfTwoBelow(n);
    if (m < k) {
      proof = Path(m, lo, lo + k);
      proof.Add(Mth(lo + k, hi), 'R');
    } else {
      proof = Path(m - k, lo + k, hi);
      proof.Add(Mth(lo, lo + k), 'L');
    }
    return proof;
  }

  // SUBPROOF(m, D[lo:hi], b) with m relative to lo.
  Proof Subproof(std::uint64_t m, std::uint64_t lo, std::uint64_t hi, bool b) const {
    Proof proof;
    const std::uint64_t n = hi - lo;
    if (m == n) {
      if (!b) proof.Add(Mth(lo, hi), 'S');
      return proof;
    }
    const std::uint64_t k = LargestPowerOfTwoBelow(n);
    if (m <= k) {
      proof.Append(Subproof(m, lo, lo + k, b));
      proof.Add(Mth(lo + k, hi), 'R');
    } else {
      proof.Append(Subproof(m - k, lo + k, hi, false));
      proof.Add(Mth(lo, lo + k), 'L');
    }
    return proof;
  }

  std::vector<Bytes> data_;
  mutable std::map<std::pair<std::uint64_t, std::uint64_t>, Hash32> mth_cache_;
};

}  // namespace jobcard::ledger::reference
