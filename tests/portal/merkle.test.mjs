// The entry page's inclusion-proof check (node/portal/merkle.js) against
// RFC 9162's own recursive definitions of MTH and PATH (§2.1.1, §2.1.3.1),
// written here independently of the iterative verifier under test: every
// proof of every leaf of trees of 1..17 leaves verifies, and a proof with any
// change (a hash, the leaf, the index, the root, a hash missing or added)
// does not.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';

import { concat, toHex } from '../../node/portal/bytes.js';
import { leafHash, verifyInclusion } from '../../node/portal/merkle.js';

let sodium;
before(async () => {
  await sodiumModule.ready;
  sodium = sodiumModule;
});

// The largest power of two smaller than n (n > 1).
const split = (n) => 2 ** Math.floor(Math.log2(n - 1));
const node = (left, right) => sodium.crypto_hash_sha256(concat(Uint8Array.of(1), left, right));
const mth = (leaves) => (leaves.length === 1 ? leaves[0]
  : node(mth(leaves.slice(0, split(leaves.length))), mth(leaves.slice(split(leaves.length)))));
function path(m, leaves) {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

test('every inclusion proof of trees of 1 to 17 leaves verifies, and an altered one does not', () => {
  const flip = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  for (let size = 1; size <= 17; ++size) {
    const leaves = Array.from({ length: size }, (_, i) => leafHash(sodium, Uint8Array.of(i, size)));
    const root = toHex(mth(leaves));
    for (let index = 0; index < size; ++index) {
      const proof = path(index, leaves).map(toHex);
      const at = `leaf ${index} of ${size}`;
      assert.ok(verifyInclusion(sodium, leaves[index], index, size, proof, root), at);
      assert.ok(!verifyInclusion(sodium, leaves[index], index, size, proof, flip(root)), `${at}: another root`);
      if (size > 1) {
        assert.ok(!verifyInclusion(sodium, leaves[(index + 1) % size], index, size, proof, root), `${at}: another leaf`);
      }
      assert.ok(!verifyInclusion(sodium, leaves[index], size, size, proof, root), `${at}: index past the end`);
      if ((index ^ 1) < size) {
        assert.ok(!verifyInclusion(sodium, leaves[index], index ^ 1, size, proof, root), `${at}: the sibling's index`);
      }
      for (let i = 0; i < proof.length; ++i) {
        const altered = proof.map((h, j) => (j === i ? flip(h) : h));
        assert.ok(!verifyInclusion(sodium, leaves[index], index, size, altered, root), `${at}: hash ${i} altered`);
      }
      if (size > 1) {
        // Without its last hash the proof leads to the root of the half holding the leaf: not the tree's root.
        const half = index < split(size) ? leaves.slice(0, split(size)) : leaves.slice(split(size));
        for (const claimed of [root, toHex(mth(half))]) {
          assert.ok(!verifyInclusion(sodium, leaves[index], index, size, proof.slice(0, -1), claimed), `${at}: a hash missing`);
        }
      }
      assert.ok(!verifyInclusion(sodium, leaves[index], index, size, [...proof, root], root), `${at}: a hash added`);
    }
  }
});
