// The disclosure bundle document (spec/bundle.md §2-§3), made and signed in the
// page: the field openings of an entry, the subject's signing message (byte for
// byte ledger/bundle.cpp BundleSigningMessage) and the assembled, signed JSON.
// The master salt of a payload never leaves this module's caller.
import { Writer, concat, domainPrefix, fromHex, toHex } from './bytes.js';
import { PAYLOAD_FIELDS, SENSITIVE_FIELDS, payloadFields } from './codec.js';
import { fieldLeaf, fieldSalt } from './ledger_crypto.js';

export const BUNDLE_FORMAT = 'jobcard.bundle.v1';
export const BUNDLE_SIGNATURE_TAG = 'jobcard.v1.bundle';
export const MAX_EXPIRY_DAYS = 366;

// Whether a period bundle must show this entry of the subject's record (spec/bundle.md §5).
export const requiredInPeriod = (ref, period) => ref.kind !== 'dispute' && !ref.superseded
  && period.from <= ref.effective_date && ref.effective_date <= period.to;

// The fields opened unless the worker says otherwise (ledger DefaultDisclosure).
export const DEFAULT_DISCLOSURE = Object.keys(PAYLOAD_FIELDS).filter((name) => !SENSITIVE_FIELDS.has(name));

// One item per payload field, in field-id order: opened fields carry their value
// and their own field salt, withheld ones only their commitment leaf.
export function fieldOpenings(sodium, payload, disclose) {
  return payloadFields(payload.fields).map(([id, name, value]) => (disclose.includes(name)
    ? { field: name, value, salt: toHex(fieldSalt(sodium, payload.salt, id)) }
    : { leaf: toHex(fieldLeaf(sodium, payload.salt, id, value)) }));
}

function writeOpening(w, o) {
  if ('leaf' in o) {
    w.u8(0).fixed(fromHex(o.leaf, 32), 32);
    return;
  }
  if (!(o.field in PAYLOAD_FIELDS)) throw new Error(`unknown payload field ${o.field}`);
  w.u8(1).u8(PAYLOAD_FIELDS[o.field]).text(o.value).fixed(fromHex(o.salt, 32), 32);
}

// What the subject signs: every member but the signature, binary parts as sent.
export function bundleSigningMessage(b) {
  const w = new Writer().text(b.chain_id).text(BUNDLE_FORMAT).fixed(fromHex(b.genesis_hash, 32), 32)
    .fixed(fromHex(b.subject, 32), 32).fixed(fromHex(b.audience, 32), 32).u64(b.created_at).u64(b.expires_at)
    .u8(b.period ? 1 : 0);
  if (b.period) w.text(b.period.from).text(b.period.to);
  w.bytes(fromHex(b.anchor.header)).bytes(fromHex(b.anchor.certificate)).u16(b.validator_transitions.length);
  for (const t of b.validator_transitions) w.bytes(fromHex(t.header)).bytes(fromHex(t.certificate)).bytes(fromHex(t.next_validators));
  w.bytes(fromHex(b.subject_state.record)).bytes(fromHex(b.subject_state.proof)).u16(b.employers.length);
  for (const e of b.employers) w.bytes(fromHex(e.record)).bytes(fromHex(e.proof));
  w.u16(b.entries.length);
  for (const e of b.entries) {
    w.bytes(fromHex(e.tx)).u64(e.log_index).u16(e.inclusion.length);
    for (const h of e.inclusion) w.fixed(fromHex(h, 32), 32);
    w.u16(e.fields.length);
    for (const o of e.fields) writeOpening(w, o);
  }
  return w.finish();
}

export const bundleSignedBytes = (b) => concat(domainPrefix(BUNDLE_SIGNATURE_TAG), bundleSigningMessage(b));

// The bundle from the material (bundle_fetch.js) and the worker's choices;
// `openings` holds each entry's fieldOpenings, in the material's entry order.
export function assembleBundle(sodium, material, { audience, createdAt, expiresAt, period, openings }, key) {
  const b = {
    format: BUNDLE_FORMAT, chain_id: material.chainId, genesis_hash: material.genesisHash, subject: material.subject,
    audience, created_at: createdAt, expires_at: expiresAt,
  };
  if (period) b.period = period;
  Object.assign(b, {
    anchor: material.anchor, validator_transitions: material.transitions ?? [], subject_state: material.subjectState, employers: material.employers,
    entries: material.entries.map((e, i) => ({ tx: e.tx, log_index: e.log_index, inclusion: e.inclusion, fields: openings[i] })),
  });
  b.signature = toHex(sodium.crypto_sign_detached(bundleSignedBytes(b), key.privateKey));
  return b;
}
