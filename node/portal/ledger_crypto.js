// The ledger's cryptography in the browser (spec/crypto.md), over
// libsodium.js: tagged hashes, payload commitments, envelope encryption,
// signatures and transaction ids. Every function takes the sodium object.
import { Writer, concat, domainPrefix, equalBytes, fromHex, toHex, utf8 } from './bytes.js';
import { KINDS, MAX_PAYLOAD_BYTES, decodePayload, encodePayload, payloadFields, signedBytes } from './codec.js';

export function taggedHash(sodium, tag, data) {
  return sodium.crypto_hash_sha256(concat(domainPrefix(tag), data));
}

// spec/crypto.md §7.
export function fieldSalt(sodium, salt, id) {
  return taggedHash(sodium, 'jobcard.v1.payload.field_salt', concat(salt, Uint8Array.of(id)));
}

// From the field's own salt: what a bundle's opened field carries (spec/bundle.md §2).
export function fieldLeafFromSalt(sodium, ownSalt, id, value) {
  return taggedHash(sodium, 'jobcard.v1.payload.field', concat(ownSalt, Uint8Array.of(id), new Writer().text(value).finish()));
}

export function fieldLeaf(sodium, salt, id, value) {
  return fieldLeafFromSalt(sodium, fieldSalt(sodium, salt, id), id, value);
}

export function commitmentFromLeaves(sodium, leaves) {
  return taggedHash(sodium, 'jobcard.v1.payload.commitment', concat(new Writer().u16(leaves.length).finish(), ...leaves));
}

export function payloadCommitment(sodium, payload, salt) {
  return commitmentFromLeaves(sodium, payloadFields(payload).map(([id, , value]) => fieldLeaf(sodium, salt, id, value)));
}

// AD = u8 kind || employer (13 ASCII digits) || subject (32) || commitment (32) (§6).
export function payloadAssociatedData(kind, employer, subjectHex, commitment) {
  return concat(Uint8Array.of(KINDS[kind]), utf8(employer), fromHex(subjectHex, 32), commitment);
}

// Encrypts `payload` ({field: value}) to the recipients' Ed25519 public keys
// in order; returns the clear commitment and the body's payload object.
export function encryptPayload(sodium, { kind, employer, subject, payload, recipients, salt, payloadKey, nonce }) {
  salt = salt ?? sodium.randombytes_buf(32);
  const plaintext = encodePayload(payload, salt);
  if (plaintext.length > MAX_PAYLOAD_BYTES) throw new Error('payload.too_large');
  const commitment = payloadCommitment(sodium, payload, salt);
  const key = payloadKey ?? sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
  nonce = nonce ?? sodium.randombytes_buf(24);
  const ad = payloadAssociatedData(kind, employer, subject, commitment);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  const wrapped = recipients.map((pk) => sodium.crypto_box_seal(key, sodium.crypto_sign_ed25519_pk_to_curve25519(pk)));
  sodium.memzero(key);
  return {
    commitment: toHex(commitment),
    payload: { nonce: toHex(nonce), ciphertext: toHex(ciphertext), wrapped_keys: wrapped.map(toHex) },
  };
}

// Opens a career entry's payload with a reader's key pair
// ({publicKey, privateKey} from crypto_sign_seed_keypair): tries every
// wrapped key, decrypts, and checks the commitment. Throws with a code.
export function openPayload(sodium, tx, reader) {
  const b = tx.body;
  const xPublic = sodium.crypto_sign_ed25519_pk_to_curve25519(reader.publicKey);
  const xSecret = sodium.crypto_sign_ed25519_sk_to_curve25519(reader.privateKey);
  let key = null;
  for (const wrapped of b.payload.wrapped_keys) {
    try {
      key = sodium.crypto_box_seal_open(fromHex(wrapped, 80), xPublic, xSecret);
      break;
    } catch {
      // not this slot
    }
  }
  sodium.memzero(xSecret);
  if (!key) throw Object.assign(new Error('this key is not a recipient of the entry'), { code: 'envelope.not_recipient' });
  const commitment = fromHex(b.commitment, 32);
  let plaintext;
  try {
    plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromHex(b.payload.ciphertext),
      payloadAssociatedData(tx.kind, b.employer, b.subject, commitment), fromHex(b.payload.nonce, 24), key);
  } catch {
    throw Object.assign(new Error('the payload does not decrypt'), { code: 'envelope.corrupt' });
  } finally {
    sodium.memzero(key);
  }
  const decoded = decodePayload(plaintext);
  if (!equalBytes(payloadCommitment(sodium, decoded.fields, decoded.salt), commitment)) {
    throw Object.assign(new Error('the payload does not match its commitment'), { code: 'entry.commitment_mismatch' });
  }
  return decoded;
}

export function txId(sodium, chainId, tx) {
  return toHex(sodium.crypto_hash_sha256(signedBytes(chainId, tx)));
}

// {signer, signature} for one key pair.
export function signTx(sodium, chainId, tx, keyPair) {
  return {
    signer: toHex(keyPair.publicKey),
    signature: toHex(sodium.crypto_sign_detached(signedBytes(chainId, tx), keyPair.privateKey)),
  };
}

export function verifyTxSignature(sodium, chainId, tx, signature) {
  try {
    return sodium.crypto_sign_verify_detached(fromHex(signature.signature, 64), signedBytes(chainId, tx),
      fromHex(signature.signer, 32));
  } catch {
    return false;
  }
}
