// The portal's JavaScript encoder and cryptography against the C++ ones:
// every transaction vector of spec/vectors/transactions.json (produced by the
// reference code) is re-encoded, re-signed, re-hashed and decrypted here and
// must match byte for byte, and decoded back; a key file written by `jobcard key new` must open.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';

import { fromHex, parseLedgerJson, toHex } from '../../node/portal/bytes.js';
import { CAREER_KINDS, MAX_FIELD_BYTES, MAX_PAYLOAD_BYTES, PAYLOAD_FIELDS, decodePayload, encodePayload, encodeTx, signingMessage,
  sortSignatures } from '../../node/portal/codec.js';
import { encryptPayload, fieldLeaf, fieldSalt, openPayload, payloadCommitment, signTx, txId, verifyTxSignature }
  from '../../node/portal/ledger_crypto.js';
import { openKeystore } from '../../node/portal/keystore.js';
import { DecodeError, decodeCareerTx } from '../../node/portal/ledger_decode.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// Through parseLedgerJson: some nonces pass 2^53, as the API's may.
const vectors = parseLedgerJson(readFileSync(path.join(root, 'spec/vectors/transactions.json'), 'utf8'));
const primitives = JSON.parse(readFileSync(path.join(root, 'spec/vectors/primitives.json'), 'utf8'));
let sodium;

before(async () => {
  await sodiumModule.ready;
  sodium = sodiumModule;
});

describe('transaction vectors', () => {
  test('there are vectors of every career kind', () => {
    for (const kind of CAREER_KINDS) assert.ok(vectors.some((v) => v.kind === kind), kind);
  });
  for (const v of vectors) {
    test(`${v.kind}: ${v.name}`, () => {
      assert.equal(toHex(encodeTx(v.json)), v.encoding, 'encoding');
      assert.equal(toHex(signingMessage(v.chain_id, v.json)), v.signing_message, 'signing message');
      assert.equal(txId(sodium, v.chain_id, v.json), v.id, 'id');
      const signatures = sortSignatures(v.signer_seeds.map((seed) =>
        signTx(sodium, v.chain_id, v.json, sodium.crypto_sign_seed_keypair(fromHex(seed, 32)))));
      assert.deepEqual(signatures, v.json.signatures, 'signatures (Ed25519 is deterministic)');
      for (const s of signatures) assert.ok(verifyTxSignature(sodium, v.chain_id, v.json, s));
      assert.ok(!verifyTxSignature(sodium, v.chain_id + 'x', v.json, signatures[0]), 'another chain id must not verify');
      if (!CAREER_KINDS.includes(v.kind)) return;
      const salt = fromHex(v.payload_salt, 32);
      assert.equal(toHex(encodePayload(v.payload_json, salt)), v.payload, 'payload encoding');
      assert.equal(toHex(payloadCommitment(sodium, v.payload_json, salt)), v.commitment, 'commitment');
      const reader = sodium.crypto_sign_seed_keypair(fromHex(v.reader_seed, 32));
      const opened = openPayload(sodium, v.json, reader);
      assert.deepEqual(opened.fields, v.payload_json, 'decrypted payload');
    });
  }
});

// The decoder a bundle's entries go through (ledger_decode.js): every career
// vector decodes to what re-encodes byte for byte and hashes to its id; every
// truncation and any trailing byte is refused; other kinds are not career entries.
test('career transactions decode from the vectors, bounded', () => {
  for (const v of vectors) {
    const bytes = fromHex(v.encoding);
    if (!CAREER_KINDS.includes(v.kind)) {
      assert.throws(() => decodeCareerTx(bytes), DecodeError, v.name);
      continue;
    }
    const tx = decodeCareerTx(bytes);
    assert.equal(toHex(encodeTx(tx)), v.encoding, v.name);
    assert.equal(txId(sodium, v.chain_id, tx), v.id, v.name);
    assert.deepEqual(tx.signatures, v.json.signatures, v.name);
    for (let n = 0; n < bytes.length; n += 7) assert.throws(() => decodeCareerTx(bytes.subarray(0, n)), DecodeError, `${v.name} cut at ${n}`);
    assert.throws(() => decodeCareerTx(Uint8Array.of(...bytes, 0)), DecodeError, `${v.name} with a trailing byte`);
  }
});

test('payload commitment primitives match spec/vectors/primitives.json', () => {
  const p = primitives.payload_commitment;
  const salt = fromHex(p.salt, 32);
  for (const f of p.fields) {
    assert.equal(toHex(fieldSalt(sodium, salt, f.id)), f.field_salt);
    assert.equal(toHex(fieldLeaf(sodium, salt, f.id, f.value)), f.leaf);
  }
  const payload = Object.fromEntries(p.fields.map((f) => [f.name, f.value]));
  assert.equal(toHex(encodePayload(payload, salt)), p.encoded);
  assert.equal(toHex(payloadCommitment(sodium, payload, salt)), p.commitment);
});

test('a decrypted payload over the ledger limits is refused, as ledger/payload.cpp refuses it', () => {
  const salt = new Uint8Array(32);
  const full = Object.fromEntries(Object.keys(PAYLOAD_FIELDS).map((name) => [name, 'a'.repeat(MAX_FIELD_BYTES)]));
  const fits = Object.fromEntries(Object.entries(full).slice(0, 7));
  assert.ok(encodePayload(fits, salt).length <= MAX_PAYLOAD_BYTES);
  assert.deepEqual(decodePayload(encodePayload(fits, salt)).fields, fits);
  assert.ok(encodePayload(full, salt).length > MAX_PAYLOAD_BYTES);
  assert.throws(() => decodePayload(encodePayload(full, salt)), /payload too large/);
  assert.throws(() => decodePayload(encodePayload({ note: 'a'.repeat(MAX_FIELD_BYTES + 1) }, salt)), /field too large/);
});

test('an entry encrypted here opens for each recipient, and a tampered one does not', () => {
  const v = vectors.find((x) => x.kind === 'secondment_start');
  const keys = ['30', '31', '32'].map((b) => sodium.crypto_sign_seed_keypair(fromHex(b.repeat(32), 32)));
  const stranger = sodium.crypto_sign_seed_keypair(fromHex('33'.repeat(32), 32));
  const payload = { position: '課長', duties: '経営企画', note: '週2日\n出社' };
  const body = { ...v.json.body };
  Object.assign(body, encryptPayload(sodium, { kind: v.kind, employer: body.employer, subject: body.subject, payload,
    recipients: keys.map((k) => k.publicKey) }));
  const tx = { ...v.json, body };
  for (const k of keys) assert.deepEqual(openPayload(sodium, tx, k).fields, payload);
  assert.throws(() => openPayload(sodium, tx, stranger), { code: 'envelope.not_recipient' });
  const moved = { ...tx, body: { ...body, subject: '00'.repeat(32) } };
  assert.throws(() => openPayload(sodium, moved, keys[0]), { code: 'envelope.corrupt' });
});

describe('key files written by the C++ keystore', () => {
  const binary = process.env.JOBCARD_BINARY;
  let dir;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'portal-keystore-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('open with the passphrase and give the file\'s public key', { skip: !binary && 'JOBCARD_BINARY is not set' }, () => {
    const file = path.join(dir, 'k.key');
    execFileSync(binary, ['key', 'new', '--out', file, '--label', '株式会社サンプル 人事部'],
      { env: { ...process.env, JOBCARD_PASSPHRASE: 'correct horse' }, stdio: 'pipe' });
    const text = readFileSync(file, 'utf8');
    const key = openKeystore(sodium, text, 'correct horse');
    assert.equal(toHex(key.publicKey), JSON.parse(text).public_key);
    assert.equal(key.label, '株式会社サンプル 人事部');
    assert.throws(() => openKeystore(sodium, text, 'wrong'), { code: 'keystore.wrong_passphrase' });
    const altered = JSON.stringify({ ...JSON.parse(text), label: 'someone else' });
    assert.throws(() => openKeystore(sodium, altered, 'correct horse'), { code: 'keystore.wrong_passphrase' });
    assert.throws(() => openKeystore(sodium, '{"format":1}', 'x'), { code: 'keystore.malformed' });
  });
});
