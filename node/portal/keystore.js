// Opening a key file (spec/keystore.md) in the browser: Argon2id over the
// passphrase, XChaCha20-Poly1305 with the header as associated data. The
// seed stays in this page's memory; nothing about it is ever sent.
import { Writer, concat, domainPrefix, equalBytes, fromHex, utf8 } from './bytes.js';

const MAX_FILE_BYTES = 65536;
const FIELDS = ['format', 'kdf', 'salt', 'nonce', 'ciphertext', 'public_key', 'label'];

export class KeystoreError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function parse(text) {
  if (utf8(text).length > MAX_FILE_BYTES) throw new KeystoreError('keystore.too_large', 'the key file is over 64 KiB');
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeystoreError('keystore.malformed', 'the key file is not JSON');
  }
  const malformed = (what) => new KeystoreError('keystore.malformed', `the key file is malformed: ${what}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed('not an object');
  for (const k of Object.keys(doc)) if (!FIELDS.includes(k)) throw malformed(`unknown field ${k}`);
  for (const k of FIELDS) if (!(k in doc)) throw malformed(`missing ${k}`);
  if (doc.format !== 'jobcard-keystore-v1') throw new KeystoreError('keystore.unsupported_format', 'not a jobcard-keystore-v1 file');
  const kdf = doc.kdf;
  if (typeof kdf !== 'object' || kdf === null || Object.keys(kdf).sort().join() !== 'alg,memlimit,opslimit') throw malformed('kdf');
  if (kdf.alg !== 'argon2id13') throw new KeystoreError('keystore.unsupported_format', 'unsupported KDF');
  if (!Number.isInteger(kdf.opslimit) || !Number.isInteger(kdf.memlimit)) throw malformed('kdf cost');
  if (kdf.opslimit < 1 || kdf.opslimit > 32 || kdf.memlimit < 8192 || kdf.memlimit > 1 << 30) {
    throw new KeystoreError('keystore.unsupported_format', 'KDF cost outside the accepted range');
  }
  if (typeof doc.label !== 'string' || utf8(doc.label).length > 256 || /[\u0000-\u001f\u007f-\u009f]/.test(doc.label)) {
    throw malformed('label');
  }
  try {
    return {
      kdf, label: doc.label, salt: fromHex(doc.salt, 16), nonce: fromHex(doc.nonce, 24),
      ciphertext: fromHex(doc.ciphertext, 48), publicKey: fromHex(doc.public_key, 32),
    };
  } catch (e) {
    throw malformed(e.message);
  }
}

// The header as associated data (spec/keystore.md, Cryptography).
function associatedData(file) {
  return concat(domainPrefix('jobcard.keystore.v1'), new Writer().text('jobcard-keystore-v1').text(file.kdf.alg)
    .u64(file.kdf.opslimit).u64(file.kdf.memlimit).fixed(file.salt, 16).fixed(file.publicKey, 32).text(file.label).finish());
}

// The public part, without the passphrase (unauthenticated).
export function readKeystorePublic(text) {
  const file = parse(text);
  return { publicKey: file.publicKey, label: file.label };
}

// {publicKey, privateKey (64 bytes), label}; throws KeystoreError.
export function openKeystore(sodium, text, passphrase) {
  const file = parse(text);
  let key;
  try {
    key = sodium.crypto_pwhash(32, utf8(passphrase), file.salt, file.kdf.opslimit, file.kdf.memlimit,
      sodium.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    throw new KeystoreError('keystore.kdf_failed', 'Argon2id could not run');
  }
  let seed;
  try {
    seed = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, file.ciphertext, associatedData(file), file.nonce, key);
  } catch {
    throw new KeystoreError('keystore.wrong_passphrase', 'wrong passphrase or the file was altered');
  } finally {
    sodium.memzero(key);
  }
  const pair = sodium.crypto_sign_seed_keypair(seed);
  sodium.memzero(seed);
  if (!equalBytes(pair.publicKey, file.publicKey)) {
    throw new KeystoreError('keystore.public_key_mismatch', 'the key does not match the public key in the file');
  }
  return { publicKey: pair.publicKey, privateKey: pair.privateKey, label: file.label };
}
