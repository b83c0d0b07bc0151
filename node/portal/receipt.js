// Access receipts (spec/bundle.md §8), made in the matcher's page: the same
// statement `jobcard verify --node URL --matcher-key FILE` records (ledger/receipt.h),
// signed with the matcher's key in the page and sent to POST /v1/receipts, the
// route the CLI uses. Pure: the caller sends it and offers it for download.
import { Writer, concat, domainPrefix, fromHex, toHex, utf8 } from './bytes.js';
import { bundleSigningMessage } from './bundle_codec.js';
import { taggedHash } from './ledger_crypto.js';

export const RECEIPT_SIGNATURE_TAG = 'jobcard.v1.receipt';
export const MAX_RECEIPT_PURPOSE_BYTES = 256;
export const DEFAULT_RECEIPT_PURPOSE = 'verification';

// The bundle's name: TaggedHash("jobcard.v1.bundle.id", message || signature) (ledger BundleHash).
export const bundleHash = (sodium, doc) => toHex(taggedHash(sodium, 'jobcard.v1.bundle.id',
  concat(bundleSigningMessage(doc), fromHex(doc.signature, 64))));

// Text(chain_id) || bundle_hash || matcher || u64 time || Text(purpose) || u8 valid (ledger ReceiptSigningMessage).
export function receiptSigningMessage(chainId, r) {
  return new Writer().text(chainId).fixed(fromHex(r.bundle_hash, 32), 32).fixed(fromHex(r.matcher, 32), 32).u64(r.time)
    .text(r.purpose).u8(r.valid ? 1 : 0).finish();
}

// Why a purpose would be refused by the node (receipt.bad_purpose), or null.
export function purposeProblem(purpose) {
  const bytes = utf8(purpose).length;
  // The encoding's text rule: no control characters but tab and newline (spec/encoding.md).
  if (bytes < 1 || bytes > MAX_RECEIPT_PURPOSE_BYTES || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(purpose)) return 'receipt.bad_purpose';
  return null;
}

// The receipt JSON (ledger ReceiptToJson's members, in its order), signed with `key` ({publicKey, privateKey}).
export function makeReceipt(sodium, doc, key, { purpose, valid, time }) {
  const r = { bundle_hash: bundleHash(sodium, doc), matcher: toHex(key.publicKey), time, purpose, valid };
  const signed = concat(domainPrefix(RECEIPT_SIGNATURE_TAG), receiptSigningMessage(doc.chain_id, r));
  return { ...r, signature: toHex(sodium.crypto_sign_detached(signed, key.privateKey)) };
}

export const verifyReceipt = (sodium, chainId, r) => sodium.crypto_sign_verify_detached(fromHex(r.signature, 64),
  concat(domainPrefix(RECEIPT_SIGNATURE_TAG), receiptSigningMessage(chainId, r)), fromHex(r.matcher, 32));
