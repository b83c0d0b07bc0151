// Decoders for the canonical encodings a disclosure bundle carries (spec/encoding.md,
// spec/blocks.md, spec/state-index.md): career transactions, block headers, commit
// certificates, validator sets, subject and employer records, state-index proofs.
// Every decoder is bounded and throws DecodeError on truncation, trailing bytes or
// out-of-range values; callers that need canonical bytes re-encode and compare
// (codec.encodeTx) or hash the bytes they were given, as the C++ verifier does.
import { fromUtf8, toHex } from './bytes.js';
import { CAREER_KINDS, KINDS } from './codec.js';

export class DecodeError extends Error {
  constructor(message) {
    super(message);
    this.code = 'encoding.malformed';
  }
}

const KIND_NAMES = Object.fromEntries(Object.entries(KINDS).map(([name, number]) => [number, name]));

// A bounded big-endian reader over one Uint8Array.
export class Reader {
  constructor(bytes, what) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
    this.what = what;
  }
  need(n) {
    if (this.at + n > this.bytes.length) throw new DecodeError(`${this.what} is truncated`);
    const start = this.at;
    this.at += n;
    return start;
  }
  u8() { return this.view.getUint8(this.need(1)); }
  u16() { return this.view.getUint16(this.need(2)); }
  u32() { return this.view.getUint32(this.need(4)); }
  // As a decimal string: nonces and times may pass 2^53 (bytes.parseLedgerJson).
  u64text() { return this.view.getBigUint64(this.need(8)).toString(); }
  // As a Number: heights, sizes, indexes; refused past 2^53.
  u64() {
    const v = this.view.getBigUint64(this.need(8));
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError(`${this.what}: a number is too large`);
    return Number(v);
  }
  fixed(n) { return this.bytes.slice(this.need(n), this.at); }
  hex(n) { return toHex(this.fixed(n)); }
  varBytes(max) {
    const n = this.u32();
    if (n > max) throw new DecodeError(`${this.what}: a field is longer than ${max} bytes`);
    return this.fixed(n);
  }
  text(max) {
    try {
      return fromUtf8(this.varBytes(max));
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      throw new DecodeError(`${this.what}: text is not UTF-8`);
    }
  }
  count(max) {
    const n = this.u16();
    if (n > max) throw new DecodeError(`${this.what}: more than ${max} items`);
    return n;
  }
  corporateNumber() {
    const text = String.fromCharCode(...this.fixed(13));
    if (!/^[0-9]{13}$/.test(text)) throw new DecodeError(`${this.what}: a corporate number is 13 digits`);
    return text;
  }
  date() {
    const y = this.u16();
    const m = this.u8();
    const d = this.u8();
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  kind() {
    const name = KIND_NAMES[this.u8()];
    if (!name) throw new DecodeError(`${this.what}: unknown kind`);
    return name;
  }
  end(value) {
    if (this.at !== this.bytes.length) throw new DecodeError(`${this.what} has trailing bytes`);
    return value;
  }
}

// A career entry (spec/encoding.md §3), as the JSON view codec.js encodes.
export function decodeCareerTx(bytes) {
  const r = new Reader(bytes, 'the transaction');
  const version = r.u8();
  const kind = r.kind();
  if (!CAREER_KINDS.includes(kind)) throw new DecodeError(`a ${kind} transaction is not a career entry`);
  const nonce = r.u64text();
  const body = { employer: r.corporateNumber(), subject: r.hex(32), effective_date: r.date(), recorded_at: r.u64text() };
  body.references = Array.from({ length: r.count(4) }, () => r.hex(32));
  body.commitment = r.hex(32);
  body.payload = { nonce: r.hex(24), ciphertext: toHex(r.varBytes(8192 + 16)) };
  body.payload.wrapped_keys = Array.from({ length: r.count(4) }, () => r.hex(80));
  if (kind === 'secondment_start' || kind === 'secondment_end') body.host_employer = r.corporateNumber();
  if (kind === 'secondment_start') body.expected_end = r.date();
  if (kind === 'correction' || kind === 'dispute') body.reason = r.u8();
  const signatures = Array.from({ length: r.count(16) }, () => ({ signer: r.hex(32), signature: r.hex(64) }));
  return r.end({ version, kind, nonce, body, signatures });
}

// spec/blocks.md: the fixed-size header.
export function decodeHeader(bytes) {
  const r = new Reader(bytes, 'the block header');
  return r.end({
    height: r.u64(), time_ms: r.u64(), previous_hash: r.hex(32), tx_root: r.hex(32), tx_count: r.u32(),
    state_root: r.hex(32), log_root: r.hex(32), log_size: r.u64(), validator_set_hash: r.hex(32),
    next_validator_set_hash: r.hex(32), proposer: r.hex(32),
  });
}

export function decodeCertificate(bytes) {
  const r = new Reader(bytes, 'the commit certificate');
  const cert = { height: r.u64(), round: r.u32(), block_hash: r.hex(32) };
  cert.signatures = Array.from({ length: r.count(1024) }, () => ({ validator: r.hex(32), signature: r.hex(64) }));
  return r.end(cert);
}

export function decodeValidators(bytes) {
  const r = new Reader(bytes, 'the validator set');
  return r.end(Array.from({ length: r.count(1024) }, () => ({ key: r.hex(32), power: r.u64(), name: r.text(256) })));
}

export function decodeSubject(bytes) {
  const r = new Reader(bytes, 'the subject record');
  const record = { id: r.hex(32), key: r.hex(32), enrolled_height: r.u64() };
  record.entries = Array.from({ length: r.count(1024) }, () => {
    const entry = { id: r.hex(32), kind: r.kind(), employer: r.corporateNumber(), effective_date: r.date(), height: r.u64() };
    const flags = r.u8();
    if (flags > 3) throw new DecodeError('the subject record: bad entry flags');
    return { ...entry, superseded: (flags & 1) !== 0, disputed: (flags & 2) !== 0 };
  });
  return r.end(record);
}

export function decodeEmployer(bytes) {
  const r = new Reader(bytes, 'the employer record');
  const record = { id: r.corporateNumber(), name: r.text(256), status: r.u8() };
  if (record.status < 1 || record.status > 3) throw new DecodeError('the employer record: bad status');
  record.keys = Array.from({ length: r.count(64) }, () => ({ key: r.hex(32), added_height: r.u64(), revoked_from_height: r.u64() }));
  const successor = r.fixed(13);
  record.successor = successor.every((b) => b === 0) ? null : String.fromCharCode(...successor);
  record.registered_height = r.u64();
  return r.end(record);
}

// spec/state-index.md: terminal, depth, a 256-bit bitmap of non-empty siblings, the siblings.
// Empty siblings come back as null.
export function decodeSmtProof(bytes) {
  const r = new Reader(bytes, 'the state proof');
  const terminal = r.u8();
  if (terminal > 1) throw new DecodeError('the state proof: unknown terminal');
  const leaf = terminal === 1 ? { key: r.fixed(32), value_hash: r.fixed(32) } : null;
  const depth = r.u16();
  if (depth > 256) throw new DecodeError('the state proof: more than 256 levels');
  const bitmap = r.fixed(32);
  const count = r.count(256);
  const bit = (i) => ((bitmap[i >> 3] >> (7 - (i & 7))) & 1) === 1;
  let marked = 0;
  for (let i = 0; i < 256; ++i) {
    if (bit(i) && i >= depth) throw new DecodeError('the state proof: the bitmap marks a level below its end');
    if (bit(i)) ++marked;
  }
  if (marked !== count) throw new DecodeError('the state proof: the sibling count disagrees with the bitmap');
  const siblings = Array.from({ length: depth }, (_, d) => (bit(d) ? r.fixed(32) : null));
  return r.end({ leaf, siblings });
}
