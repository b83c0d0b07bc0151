// RFC 9162 inclusion proofs of the entry log (spec/merkle-log.md), verified
// in the page so the explorer shows a checked proof, not the node's word.
import { concat, equalBytes, fromHex } from './bytes.js';

export function leafHash(sodium, leafData) {
  return sodium.crypto_hash_sha256(concat(Uint8Array.of(0), leafData));
}

function nodeHash(sodium, left, right) {
  return sodium.crypto_hash_sha256(concat(Uint8Array.of(1), left, right));
}

// RFC 9162 §2.1.3.2. `proof` is a list of hex hashes; sizes are Numbers.
export function verifyInclusion(sodium, leafHashBytes, index, size, proofHex, rootHex) {
  if (!(index < size)) return false;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leafHashBytes;
  for (const hex of proofHex) {
    const p = fromHex(hex, 32);
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(sodium, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(sodium, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, fromHex(rootHex, 32));
}
