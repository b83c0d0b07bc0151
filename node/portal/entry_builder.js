// Building and signing a career entry in the page, as ledger/entry_builder.cpp
// and the CLI do: the payload encrypted to the subject, the employer and (for
// secondments) the host, in the order of spec/data-model.md §6; the clear
// header filled; every signer's signature added, sorted by signer.
import { fromHex, toHex } from './bytes.js';
import { encodeTx, sortSignatures } from './codec.js';
import { encryptPayload, signTx, txId } from './ledger_crypto.js';

// A random u64 nonce (spec/encoding.md §3), as a decimal string.
export function randomNonce(sodium) {
  const bytes = sodium.randombytes_buf(8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0).toString();
}

// draft: {kind, employer, subject, effective_date, recorded_at, references,
//   payload, host_employer, expected_end, reason, nonce}
// keys: {subjectKey: Uint8Array(32), employerKey: Uint8Array(32), hostKey?}
// Returns the unsigned transaction (JSON view).
export function buildEntry(sodium, draft, keys) {
  const secondment = draft.kind === 'secondment_start' || draft.kind === 'secondment_end';
  const recipients = [keys.subjectKey, keys.employerKey];
  if (secondment) recipients.push(keys.hostKey);
  const sealed = encryptPayload(sodium, { kind: draft.kind, employer: draft.employer, subject: draft.subject,
    payload: draft.payload, recipients });
  const body = {
    employer: draft.employer, subject: draft.subject, effective_date: draft.effective_date,
    recorded_at: String(draft.recorded_at), references: draft.references ?? [], ...sealed,
  };
  if (secondment) body.host_employer = draft.host_employer;
  if (draft.kind === 'secondment_start') body.expected_end = draft.expected_end;
  if (draft.kind === 'correction' || draft.kind === 'dispute') body.reason = draft.reason;
  return { version: 1, kind: draft.kind, nonce: draft.nonce ?? randomNonce(sodium), body, signatures: [] };
}

// The transaction signed by every key pair, with its id and encoding.
export function signEntry(sodium, chainId, tx, keyPairs) {
  const signed = { ...tx, signatures: sortSignatures(keyPairs.map((k) => signTx(sodium, chainId, tx, k))) };
  return { tx: signed, id: txId(sodium, chainId, signed), encoded: toHex(encodeTx(signed)) };
}

export function publicKeyFromHex(hex) {
  return fromHex(hex, 32);
}
