// What ties a bundle to the chain, checked in the page (spec/blocks.md,
// spec/state-index.md, spec/bundle.md §4): the genesis hash, validator-set
// hashes, block hashes, commit certificates and sparse-Merkle state proofs.
// Pure functions of their inputs and the sodium object.
import { Writer, concat, domainPrefix, equalBytes, fromHex, toHex, utf8 } from './bytes.js';
import { taggedHash } from './ledger_crypto.js';

// EncodeGenesis (ledger/genesis.cpp) of the genesis JSON the node serves at /v1/genesis.
export function encodeGenesis(g) {
  const w = new Writer().text(g.chain_id).u64(g.genesis_time_ms).u32(g.registrar_threshold).u16(g.registrar_keys.length);
  for (const k of g.registrar_keys) w.fixed(fromHex(k, 32), 32);
  w.u16(g.validators.length);
  for (const v of g.validators) w.fixed(fromHex(v.key, 32), 32).u64(v.power).text(v.name);
  w.u32(g.employers.length);
  for (const e of g.employers) {
    w.fixed(utf8(e.id), 13).text(e.name).u16(e.keys.length);
    for (const k of e.keys) w.fixed(fromHex(k, 32), 32);
  }
  w.u32(g.matchers.length);
  for (const m of g.matchers) w.fixed(fromHex(m.key, 32), 32).text(m.name);
  const p = g.params;
  w.u64(p.block_interval_ms).u64(p.max_block_bytes).u32(p.max_block_txs).u32(p.recording_deadline_days).u32(p.max_clock_skew_seconds);
  if (p.compliance_start_date) {
    const [y, m, d] = p.compliance_start_date.split('-').map(Number);
    w.u16(y).u8(m).u8(d);
  }
  return w.finish();
}

export const genesisHash = (sodium, genesis) => toHex(taggedHash(sodium, 'jobcard.v1.genesis', encodeGenesis(genesis)));

export function encodeValidators(set) {
  const w = new Writer().u16(set.length);
  for (const v of set) w.fixed(fromHex(v.key, 32), 32).u64(v.power).text(v.name);
  return w.finish();
}

export const validatorSetHash = (sodium, set) => toHex(taggedHash(sodium, 'jobcard.v1.validator_set', encodeValidators(set)));
export const blockHash = (sodium, headerBytes) => toHex(taggedHash(sodium, 'jobcard.v1.block_header', headerBytes));

// VerifyCertificate (ledger/block.cpp): for this header, by this set, signers
// sorted and known, their precommit signatures valid, more than 2/3 of the power.
// Returns null when it holds, or the reason it does not.
export function certificateProblem(sodium, chainId, header, headerBytes, cert, set) {
  if (cert.height !== header.height || cert.block_hash !== blockHash(sodium, headerBytes)) return 'the certificate is for another block';
  if (validatorSetHash(sodium, set) !== header.validator_set_hash) return 'the validator set does not match the header';
  const message = concat(domainPrefix('jobcard.v1.precommit'),
    new Writer().text(chainId).u64(cert.height).u32(cert.round).fixed(fromHex(cert.block_hash, 32), 32).finish());
  let total = 0n;
  let signed = 0n;
  for (const v of set) total += BigInt(v.power);
  for (let i = 0; i < cert.signatures.length; ++i) {
    const s = cert.signatures[i];
    if (i > 0 && !(cert.signatures[i - 1].validator < s.validator)) return 'certificate signatures are not sorted, each once';
    const validator = set.find((v) => v.key === s.validator);
    if (!validator) return 'a signer is not in the validator set';
    if (!sodium.crypto_sign_verify_detached(fromHex(s.signature, 64), message, fromHex(s.validator, 32))) {
      return 'a precommit signature does not verify';
    }
    signed += BigInt(validator.power);
  }
  if (signed * 3n <= total * 2n) return `the signers hold ${signed} of ${total} voting power; more than 2/3 is needed`;
  return null;
}

export const subjectStateKey = (sodium, subjectHex) => taggedHash(sodium, 'jobcard.v1.state_key.subject', fromHex(subjectHex, 32));
export const employerStateKey = (sodium, corp) => taggedHash(sodium, 'jobcard.v1.state_key.employer', utf8(corp));
export const subjectStateValue = (sodium, recordBytes) => taggedHash(sodium, 'jobcard.v1.state.subject', recordBytes);
export const employerStateValue = (sodium, recordBytes) => taggedHash(sodium, 'jobcard.v1.state.employer', recordBytes);

const keyBit = (key, i) => ((key[i >> 3] >> (7 - (i & 7))) & 1) === 1;

// VerifySmtProof (ledger/smt_proof.cpp) for inclusion: `key` holds `value`
// under `rootHex`. `proof` comes from ledger_decode.decodeSmtProof.
export function smtInclusionProblem(sodium, rootHex, key, value, proof) {
  if (!proof.leaf || !equalBytes(proof.leaf.key, key)) return 'the proof shows no leaf for this key';
  if (!equalBytes(proof.leaf.value_hash, value)) return 'the key\'s leaf holds another value';
  let hash = taggedHash(sodium, 'jobcard.smt.leaf', concat(proof.leaf.key, proof.leaf.value_hash));
  const empty = new Uint8Array(32);
  for (let depth = proof.siblings.length; depth-- > 0;) {
    const sibling = proof.siblings[depth] ?? empty;
    hash = taggedHash(sodium, 'jobcard.smt.internal', keyBit(key, depth) ? concat(sibling, hash) : concat(hash, sibling));
  }
  return toHex(hash) === rootHex ? null : 'the proof leads to another root';
}
