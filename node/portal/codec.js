// The canonical encoding of transactions and payloads (spec/encoding.md),
// from the JSON view the node serves (spec/encoding.md §11). Tested byte for
// byte against spec/vectors/transactions.json (tests/portal/codec.test.mjs).
import { Writer, concat, domainPrefix, fromHex, fromUtf8, utf8 } from './bytes.js';

// Kind names and numbers (spec/encoding.md §4).
export const KINDS = {
  hire: 1, position_change: 2, role_change: 3, secondment_start: 4, secondment_end: 5,
  side_job_start: 6, side_job_end: 7, separation: 8, correction: 9, dispute: 16, headcount: 24,
  register_employer: 32, set_employer_status: 33, add_employer_key: 34, rotate_employer_key: 35,
  revoke_employer_key: 36, add_validator: 37, remove_validator: 38, enroll_subject: 39,
  recover_subject_key: 40, register_matcher: 41, succession: 42,
};

export const CAREER_KINDS = ['hire', 'position_change', 'role_change', 'secondment_start', 'secondment_end',
  'side_job_start', 'side_job_end', 'separation', 'correction', 'dispute'];

// Payload field ids (spec/data-model.md §4).
export const PAYLOAD_FIELDS = {
  employment_type: 1, position: 2, grade: 3, department: 4, duties: 5, work_location: 6,
  salary_band: 7, separation_reason: 8, note: 9, work_pattern: 10,
};
export const SENSITIVE_FIELDS = new Set(['salary_band', 'separation_reason', 'note']);
const FIELD_NAMES = Object.fromEntries(Object.entries(PAYLOAD_FIELDS).map(([name, id]) => [id, name]));
// A field's value and the whole encoded payload, in bytes (ledger/payload.h).
export const MAX_FIELD_BYTES = 1024;
export const MAX_PAYLOAD_BYTES = 8192;

export function kindTag(kind) {
  if (!(kind in KINDS)) throw new Error(`unknown kind ${kind}`);
  return `jobcard.v1.${kind}`;
}

function corporateNumber(w, text) {
  if (!/^[0-9]{13}$/.test(text)) throw new Error('a corporate number is 13 digits');
  w.fixed(utf8(text), 13);
}

function date(w, text) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) throw new Error(`bad date ${text}`);
  w.u16(Number(m[1])).u8(Number(m[2])).u8(Number(m[3]));
}

const key = (w, hex) => w.fixed(fromHex(hex, 32), 32);

function careerEntry(w, kind, b) {
  corporateNumber(w, b.employer);
  w.fixed(fromHex(b.subject, 32), 32);
  date(w, b.effective_date);
  w.u64(b.recorded_at);
  w.u16(b.references.length);
  for (const r of b.references) w.fixed(fromHex(r, 32), 32);
  w.fixed(fromHex(b.commitment, 32), 32);
  w.fixed(fromHex(b.payload.nonce, 24), 24);
  w.bytes(fromHex(b.payload.ciphertext));
  w.u16(b.payload.wrapped_keys.length);
  for (const k of b.payload.wrapped_keys) w.fixed(fromHex(k, 80), 80);
  if (kind === 'secondment_start' || kind === 'secondment_end') corporateNumber(w, b.host_employer);
  if (kind === 'secondment_start') date(w, b.expected_end);
  if (kind === 'correction' || kind === 'dispute') w.u8(b.reason);
}

const BODY_WRITERS = {
  headcount: (w, b) => { corporateNumber(w, b.employer); date(w, b.as_of); w.u32(b.active_employees); w.u64(b.recorded_at); },
  register_employer: (w, b) => { corporateNumber(w, b.employer); w.text(b.name); key(w, b.key); },
  set_employer_status: (w, b) => { corporateNumber(w, b.employer); w.u8(b.status); },
  add_employer_key: (w, b) => { corporateNumber(w, b.employer); key(w, b.key); },
  rotate_employer_key: (w, b) => { corporateNumber(w, b.employer); key(w, b.old_key); key(w, b.new_key); },
  revoke_employer_key: (w, b) => { corporateNumber(w, b.employer); key(w, b.key); w.u64(b.effective_height); },
  add_validator: (w, b) => { key(w, b.key); w.u64(b.power); w.text(b.name); },
  remove_validator: (w, b) => key(w, b.key),
  enroll_subject: (w, b) => { w.fixed(fromHex(b.subject, 32), 32); key(w, b.key); },
  recover_subject_key: (w, b) => { w.fixed(fromHex(b.subject, 32), 32); key(w, b.new_key); },
  register_matcher: (w, b) => { key(w, b.key); w.text(b.name); },
  succession: (w, b) => { corporateNumber(w, b.predecessor); corporateNumber(w, b.successor); date(w, b.effective_date); },
};

// Body = u8 version || u8 kind || u64 nonce || kind fields (§3).
export function encodeBody(tx) {
  const w = new Writer().u8(tx.version ?? 1).u8(KINDS[tx.kind]).u64(tx.nonce);
  if (CAREER_KINDS.includes(tx.kind)) careerEntry(w, tx.kind, tx.body);
  else if (BODY_WRITERS[tx.kind]) BODY_WRITERS[tx.kind](w, tx.body);
  else throw new Error(`unknown kind ${tx.kind}`);
  return w.finish();
}

// Body || Count(signatures) || (signer || signature)... (§3, §5.4).
export function encodeTx(tx) {
  const body = encodeBody(tx);
  const w = new Writer().fixed(body, body.length).u16(tx.signatures.length);
  for (const s of tx.signatures) w.fixed(fromHex(s.signer, 32), 32).fixed(fromHex(s.signature, 64), 64);
  return w.finish();
}

// Text(chain_id) || Body (§7).
export function signingMessage(chainId, tx) {
  return concat(new Writer().text(chainId).finish(), encodeBody(tx));
}

// DomainPrefix(tag) || signing message: what Ed25519 signs and SHA-256 hashes to the id.
export function signedBytes(chainId, tx) {
  return concat(domainPrefix(kindTag(tx.kind)), signingMessage(chainId, tx));
}

// Signatures sorted by signer, as the decoder requires (§3).
export function sortSignatures(signatures) {
  return [...signatures].sort((a, b) => (a.signer < b.signer ? -1 : a.signer > b.signer ? 1 : 0));
}

// Payload fields as [id, name, value] in increasing id order; unknown names throw.
export function payloadFields(payload) {
  return Object.entries(payload)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => {
      if (!(name in PAYLOAD_FIELDS)) throw new Error(`unknown payload field ${name}`);
      return [PAYLOAD_FIELDS[name], name, value];
    })
    .sort((a, b) => a[0] - b[0]);
}

// salt (32) || u16 n || (u8 id || Text value)... (§9).
export function encodePayload(payload, salt) {
  const fields = payloadFields(payload);
  const w = new Writer().fixed(salt, 32).u16(fields.length);
  for (const [id, , value] of fields) w.u8(id).text(value);
  return w.finish();
}

// The inverse of encodePayload: {salt, fields: {name: value}}; throws on malformed bytes.
export function decodePayload(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new Error('payload too large');
  if (bytes.length < 34) throw new Error('payload truncated');
  const salt = bytes.slice(0, 32);
  const count = view.getUint16(32);
  const fields = {};
  let at = 34;
  let last = 0;
  for (let i = 0; i < count; ++i) {
    if (at + 5 > bytes.length) throw new Error('payload truncated');
    const id = bytes[at];
    const length = view.getUint32(at + 1);
    if (!FIELD_NAMES[id] || id <= last) throw new Error('payload field out of order or unknown');
    if (at + 5 + length > bytes.length || length > MAX_FIELD_BYTES) throw new Error('payload field too large');
    fields[FIELD_NAMES[id]] = fromUtf8(bytes.subarray(at + 5, at + 5 + length));
    at += 5 + length;
    last = id;
  }
  if (at !== bytes.length) throw new Error('payload has trailing bytes');
  return { salt, fields };
}
