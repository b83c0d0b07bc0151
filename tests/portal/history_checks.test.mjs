// The candidate page's per-entry checks (checkEntry in node/portal/candidate.js)
// on the career vectors of spec/vectors/transactions.json: an honest entry
// passes and opens; a wrong id, an altered signature, another chain, a signer
// that is not an active key of the employer (or of the host, for a
// secondment) at the entry's height, a dispute not signed by the subject, and
// a reader who is not a recipient each fail. The browser test only sees
// honest entries, so without this a check that passed everything would pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';

import { fromHex, parseLedgerJson, toHex } from '../../node/portal/bytes.js';
import { checkEntry } from '../../node/portal/candidate.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const vectors = parseLedgerJson(readFileSync(path.join(root, 'spec/vectors/transactions.json'), 'utf8'));
const HEIGHT = 10;
let sodium;

before(async () => {
  await sodiumModule.ready;
  sodium = sodiumModule;
});

const vector = (kind) => vectors.find((v) => v.kind === kind);
const publicHex = (seed) => toHex(sodium.crypto_sign_seed_keypair(fromHex(seed, 32)).publicKey);
const record = (keyHex, added = 1, revoked = 0) => ({ keys: [{ key: keyHex, added_height: added, revoked_from_height: revoked }] });
const flip = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

// checkEntry on vector v with `change` applied to {item, employers, subjectKey, chainId, reader}.
function check(v, change = () => {}) {
  const signers = v.signer_seeds.map(publicHex);
  const args = {
    chainId: v.chain_id,
    item: { tx: structuredClone(v.json), id: v.id, location: { height: HEIGHT } },
    employers: { [v.json.body.employer]: record(signers[0]) },
    subjectKey: signers[0],
    reader: sodium.crypto_sign_seed_keypair(fromHex(v.reader_seed, 32)),
  };
  if (v.json.body.host_employer) args.employers[v.json.body.host_employer] = record(signers[1]);
  change(args, signers);
  return checkEntry(sodium, args.chainId, args.item, args.employers, args.subjectKey, args.reader);
}

test('an honest entry of every career kind passes and opens', () => {
  for (const kind of ['hire', 'position_change', 'secondment_start', 'secondment_end', 'correction', 'dispute']) {
    const v = vector(kind);
    const view = check(v);
    assert.equal(view.failed, undefined, `${kind}: ${view.failed}`);
    assert.deepEqual(view.fields, v.payload_json, kind);
  }
});

test('an entry whose id, signature or chain is wrong fails', () => {
  const v = vector('hire');
  assert.match(check(v, (a) => { a.item.id = flip(v.id); }).failed, /id does not match/);
  assert.match(check(v, (a) => { a.chainId += 'x'; }).failed, /id does not match/);
  assert.match(check(v, (a) => {
    a.item.tx.signatures[0].signature = flip(a.item.tx.signatures[0].signature);
    a.item.id = v.id;
  }).failed, /bad signature/);
});

test('an entry not signed by an active key of its employer (and host) fails', () => {
  const v = vector('hire');
  const employer = v.json.body.employer;
  const unsigned = /not signed by an active key/;
  assert.match(check(v, (a) => { a.employers = {}; }).failed, unsigned, 'unknown employer');
  assert.match(check(v, (a) => { a.employers[employer] = record('00'.repeat(32)); }).failed, unsigned, 'another key');
  assert.match(check(v, (a, s) => { a.employers[employer] = record(s[0], HEIGHT + 1); }).failed, unsigned, 'added later');
  assert.match(check(v, (a, s) => { a.employers[employer] = record(s[0], 1, HEIGHT); }).failed, unsigned, 'revoked');
  assert.equal(check(v, (a, s) => { a.employers[employer] = record(s[0], HEIGHT, HEIGHT + 1); }).failed, undefined,
    'active from its added height until its revocation');
  const secondment = vector('secondment_start');
  const host = secondment.json.body.host_employer;
  assert.match(check(secondment, (a) => { delete a.employers[host]; }).failed, unsigned, 'host unknown');
  assert.match(check(secondment, (a) => { a.employers[host] = record('00'.repeat(32)); }).failed, unsigned, 'host signer not a host key');
});

test('a dispute not signed by the subject fails', () => {
  const v = vector('dispute');
  assert.match(check(v, (a) => { a.subjectKey = '00'.repeat(32); }).failed, /not signed by the subject/);
});

test('an entry the reader cannot open fails', () => {
  const v = vector('hire');
  assert.match(check(v, (a) => { a.reader = sodium.crypto_sign_seed_keypair(fromHex('33'.repeat(32), 32)); }).failed,
    /envelope\.not_recipient/);
});
