// Byte helpers shared by the codec, the keystore and the pages: hex, UTF-8,
// and a big-endian writer with the conventions of spec/encoding.md §1.

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text) {
  return utf8Encoder.encode(text);
}

export function fromUtf8(bytes) {
  return utf8Decoder.decode(bytes);
}

export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

// Exactly `size` bytes when size is given; either case accepted.
export function fromHex(text, size) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new Error('expected hex digits');
  }
  if (size !== undefined && text.length !== size * 2) throw new Error(`expected ${size * 2} hex digits`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(text.substr(i * 2, 2), 16);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; ++i) diff |= a[i] ^ b[i];
  return diff === 0;
}

// u8 len(tag) || tag (spec/crypto.md §3).
export function domainPrefix(tag) {
  const bytes = utf8(tag);
  if (bytes.length < 1 || bytes.length > 255) throw new Error('a tag is 1-255 bytes');
  return concat(Uint8Array.of(bytes.length), bytes);
}

// Appends big-endian integers, fixed byte strings and length-prefixed text.
export class Writer {
  constructor() {
    this.parts = [];
  }
  u8(v) {
    this.parts.push(Uint8Array.of(v & 0xff));
    return this;
  }
  u16(v) {
    this.parts.push(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
    return this;
  }
  u32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    this.parts.push(b);
    return this;
  }
  // u64 from a BigInt or a safe integer.
  u64(v) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v));
    this.parts.push(b);
    return this;
  }
  fixed(bytes, size) {
    if (bytes.length !== size) throw new Error(`expected ${size} bytes, got ${bytes.length}`);
    this.parts.push(bytes);
    return this;
  }
  bytes(bytes) {
    this.u32(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  text(text) {
    return this.bytes(utf8(text));
  }
  finish() {
    return concat(...this.parts);
  }
}

// JSON.parse, keeping the u64 fields that may pass 2^53 (nonce, recorded_at,
// effective_height: spec/encoding.md §11) exact, as decimal strings; the
// encoder takes them through BigInt.
export function parseLedgerJson(text) {
  return JSON.parse(text.replace(/"(nonce|recorded_at|effective_height)"(\s*):(\s*)([0-9]+)/g, '"$1"$2:$3"$4"'));
}
