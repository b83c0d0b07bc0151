// Disclosure bundles in the portal, against a real node:
// 1. the page's verifier (bundle_verify.js, run here in Node) agrees with the
//    C++ one on a bundle made by `jobcard bundle create`: every check passes,
//    and each alteration fails the check the C++ verifier names;
// 2. the candidate builds a period bundle in chromium (signed in the page),
//    downloads it, and the real `jobcard verify` accepts it;
// 3. the matcher drops that bundle on its page: every check is shown passed,
//    with the timeline and the node's freshness answer; a tampered copy shows
//    the failed check, by keyboard and in English too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';

import { verifyBundle } from '../../node/portal/bundle_verify.js';
import { BINARY, enrollWorker, openKeyFile, screenshot, withNodeAndBrowser } from './support.mjs';

const session = withNodeAndBrowser(before, after);
let sodium;
let career;

// A worker with a career at two employers (a secondment co-signed by the host).
function recordCareer(node) {
  const worker = enrollWorker(node, 'bundler');
  const [A, B] = [node.employer(0), node.employer(1)];
  const EA = ['--key', node.employerKey(0), '--employer', A, '--subject', worker.subject];
  const EB = ['--key', node.employerKey(1), '--employer', B, '--subject', worker.subject];
  const id = (args) => JSON.parse(node.cli([...args, '--json'])).id;
  const ids = {
    hire: id(['employer', 'hire', ...EA, '--date', '2016-04-01', '--employment-type', 'regular', '--position', 'staff',
      '--department', '開発部', '--salary-band', 'B3']),
    promotion: id(['employer', 'position-change', ...EA, '--date', '2019-04-01', '--position', 'section_head']),
    secondment: id(['employer', 'second', ...EA, '--date', '2020-04-01', '--host', B, '--host-key', node.employerKey(1),
      '--expected-end', '2021-03-31', '--duties', '新規事業']),
    separation: id(['employer', 'separate', ...EA, '--date', '2022-03-31', '--separation-reason', 'voluntary']),
    hireB: id(['employer', 'hire', ...EB, '--date', '2022-06-01', '--employment-type', 'regular', '--position', 'manager']),
  };
  return { worker, ids, A, B };
}

const matcherKey = (node) => node.genesis.matchers[0].key;
const verifyWithCli = (node, file) => {
  try {
    return { code: 0, out: execFileSync(BINARY, ['verify', file, '--genesis', path.join(node.home, 'genesis.json'),
      '--matcher', matcherKey(node), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 }).toString() };
  } catch (error) {
    return { code: error.status, out: error.stdout?.toString() ?? '' };
  }
};
const failedChecks = (report) => report.checks.filter((c) => !c.passed).map((c) => c.name);

before(async () => {
  await sodiumModule.ready;
  sodium = sodiumModule;
});

test('the page verifier agrees with jobcard verify on a CLI bundle, and names each alteration', { timeout: 180000 }, async () => {
  const { node } = session;
  career = recordCareer(node);
  const file = path.join(node.dir, 'cli-bundle.json');
  node.cli(['bundle', 'create', '--subject-key', career.worker.keyFile, '--subject', career.worker.subject,
    '--entry', career.ids.hire, '--entry', career.ids.secondment, '--audience', matcherKey(node), '--out', file]);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const now = Math.floor(Date.now() / 1000);
  const options = { now, matcher: matcherKey(node) };
  const report = verifyBundle(sodium, doc, node.genesis, options);
  assert.deepEqual(failedChecks(report), [], JSON.stringify(report.checks, null, 1));
  assert.equal(report.checks.length, 15);
  assert.equal(verifyWithCli(node, file).code, 0);

  // One alteration each; the page and the C++ verifier must both fail the named check.
  const altered = (change) => {
    const copy = structuredClone(doc);
    change(copy);
    return copy;
  };
  const flipHex = (hex, at = 10) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
  const opened = doc.entries[0].fields.findIndex((f) => f.field === 'position');
  const cases = [
    ['disclosed_fields', (b) => { b.entries[0].fields[opened].value = 'director'; }],
    ['subject_signature', (b) => { b.expires_at += 1; }],
    ['audience', (b) => { b.audience = node.genesis.validators[0].key; }],
    ['inclusion', (b) => { b.entries[0].log_index += 1; }],
    ['employer_state', (b) => { b.employers[0].proof = flipHex(b.employers[0].proof, 80); }],
    ['subject_state', (b) => { b.subject_state.proof = flipHex(b.subject_state.proof, 80); }],
    ['chain', (b) => { b.genesis_hash = flipHex(b.genesis_hash); }],
    ['header_chain', (b) => { b.anchor.certificate = flipHex(b.anchor.certificate, b.anchor.certificate.length - 4); }],
  ];
  for (const [check, change] of cases) {
    const bad = altered(change);
    const page = failedChecks(verifyBundle(sodium, bad, node.genesis, options));
    assert.ok(page.includes(check), `${check}: the page failed ${page}`);
    const badFile = path.join(node.dir, `bad-${check}.json`);
    writeFileSync(badFile, JSON.stringify(bad));
    const cli = verifyWithCli(node, badFile);
    assert.equal(cli.code, 1);
    assert.ok(failedChecks(JSON.parse(cli.out)).includes(check), `${check}: the CLI says ${cli.out}`);
  }
  // Not a bundle: the format check alone, never a throw.
  assert.deepEqual(verifyBundle(sodium, { format: 'x' }, node.genesis, options).checks.map((c) => c.name), ['format']);
  assert.deepEqual(failedChecks(verifyBundle(sodium, altered((b) => { b.entries[0].tx = b.entries[0].tx.slice(0, 40); }),
    node.genesis, options)), ['format']);
  assert.deepEqual(failedChecks(verifyBundle(sodium, doc, node.genesis, { now: doc.expires_at, matcher: matcherKey(node) })), ['expiry']);
});
