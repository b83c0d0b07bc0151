// Disclosure bundles in the portal, against a real node:
// 1. the page's verifier (bundle_verify.js, run here in Node) agrees with the
//    C++ one on a bundle made by `jobcard bundle create`: every check passes,
//    and each alteration fails the check the C++ verifier names;
// 2. the candidate builds a period bundle in chromium (signed in the page),
//    downloads it, and the real `jobcard verify` accepts it;
// 3. the matcher drops that bundle on its page: every check is shown passed,
//    with the timeline and the node's freshness answer; a tampered copy shows
//    the failed check, by keyboard and in English too; each check's detail is
//    in Japanese by default and in English after the switch, the names stable;
// 4. with the matcher's key file open, the freshness check records an access
//    receipt at the node (POST /v1/receipts, as `jobcard verify --node
//    --matcher-key`), offered for download, that `jobcard bundle receipts`
//    lists and accepts;
// 5. a genesis file the matcher loads replaces the node's: a bundle of another
//    chain fails `chain` against it, and the page says which genesis it used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sodiumModule from 'libsodium-wrappers-sumo';

import { verifyBundle } from '../../node/portal/bundle_verify.js';
import { genesisHash } from '../../node/portal/chain_proofs.js';
import { bundleHash, makeReceipt, purposeProblem, verifyReceipt } from '../../node/portal/receipt.js';
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
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
// Every check carries its detail in both languages: English as the C++ verifier, and Japanese.
const assertBilingual = (report, what) => {
  for (const c of report.checks) {
    assert.ok(c.detail && !JAPANESE.test(c.detail.replace(/'[^']*'/g, '')), `${what}: ${c.name} English detail: ${c.detail}`);
    assert.ok(JAPANESE.test(c.detail_ja ?? ''), `${what}: ${c.name} has no Japanese detail: ${c.detail_ja}`);
  }
};

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
  assertBilingual(report, 'valid');
  const cliReport = JSON.parse(verifyWithCli(node, file).out);
  assert.equal(cliReport.valid, true);
  // The English details are the C++ verifier's, word for word.
  assert.deepEqual(report.checks.map((c) => [c.name, c.detail]), cliReport.checks.map((c) => [c.name, c.detail]));

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
    const pageReport = verifyBundle(sodium, bad, node.genesis, options);
    assertBilingual(pageReport, check);
    const page = failedChecks(pageReport);
    assert.ok(page.includes(check), `${check}: the page failed ${page}`);
    const badFile = path.join(node.dir, `bad-${check}.json`);
    writeFileSync(badFile, JSON.stringify(bad));
    const cli = verifyWithCli(node, badFile);
    assert.equal(cli.code, 1);
    assert.ok(failedChecks(JSON.parse(cli.out)).includes(check), `${check}: the CLI says ${cli.out}`);
  }
  // Any one hex digit changed anywhere in the ledger's parts: never a throw, never valid (seeded).
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const parts = [['anchor', 'header'], ['anchor', 'certificate'], ['subject_state', 'record'], ['subject_state', 'proof'],
    ['employers', 0, 'record'], ['employers', 1, 'proof'], ['entries', 0, 'tx'], ['entries', 1, 'tx']];
  for (let i = 0; i < 120; ++i) {
    const where = parts[random(parts.length)];
    const bad = altered((b) => {
      const holder = where.slice(0, -1).reduce((o, k) => o[k], b);
      const key = where.at(-1);
      const at = random(holder[key].length);
      holder[key] = holder[key].slice(0, at) + ((parseInt(holder[key][at], 16) + 1 + random(15)) % 16).toString(16) + holder[key].slice(at + 1);
    });
    const result = verifyBundle(sodium, bad, node.genesis, options);
    assert.ok(result.checks.some((c) => !c.passed), `${where.join('.')} altered, all passed`);
  }
  // Not a bundle: the format check alone, never a throw.
  assert.deepEqual(verifyBundle(sodium, { format: 'x' }, node.genesis, options).checks.map((c) => c.name), ['format']);
  assertBilingual(verifyBundle(sodium, { format: 'x' }, node.genesis, options), 'format');
  assertBilingual(verifyBundle(sodium, altered((b) => { b.entries[0].tx = b.entries[0].tx.slice(0, 40); }), node.genesis, options), 'tx');
  assert.deepEqual(failedChecks(verifyBundle(sodium, altered((b) => { b.entries[0].tx = b.entries[0].tx.slice(0, 40); }),
    node.genesis, options)), ['format']);
  const expired = verifyBundle(sodium, doc, node.genesis, { now: doc.expires_at, matcher: matcherKey(node) });
  assert.deepEqual(failedChecks(expired), ['expiry']);
  assertBilingual(expired, 'expiry');

  // The receipt the matcher page signs: the bundle's name as the CLI computes it, a signature
  // over the C++ message (the node accepting it is checked in the browser test).
  const created = JSON.parse(node.cli(['bundle', 'receipts', '--bundle', file, '--json']));
  assert.equal(bundleHash(sodium, doc), created.bundle_hash);
  const keyPair = sodium.crypto_sign_keypair();
  const receipt = makeReceipt(sodium, doc, keyPair, { purpose: '営業職の選考', valid: true, time: now });
  assert.ok(verifyReceipt(sodium, doc.chain_id, receipt));
  assert.ok(!verifyReceipt(sodium, doc.chain_id, { ...receipt, valid: false }), 'valid is signed');
  assert.ok(!verifyReceipt(sodium, 'another-chain', receipt), 'the chain id is signed');
  assert.equal(purposeProblem('営業職の選考'), null);
  for (const bad of ['', 'x'.repeat(257), 'a\u0001b']) assert.equal(purposeProblem(bad), 'receipt.bad_purpose');
});

test('a candidate builds a period bundle in the page that jobcard verify accepts; the matcher sees every check', { timeout: 240000 }, async () => {
  const { node, page, problems } = session;
  const { worker } = career;
  await page.goto(`${node.url}/#/candidate`);
  await page.locator('#candidate-subject').fill(worker.subject);
  await openKeyFile(page, 'candidate', worker.keyFile);
  await page.locator('#bundle-form').waitFor();

  // A bad audience and no entry chosen are shown at their fields; nothing is built.
  await page.locator('#bundle-audience').fill('not a key');
  await page.locator('#bundle-form button[type="submit"]').click();
  assert.notEqual(await page.locator('#bundle-audience-error').textContent(), '');
  assert.notEqual(await page.locator('#bundle-entries-error').textContent(), '');
  assert.equal(await page.locator('#bundle-download').count(), 0);

  // A period bundle, chosen by keyboard, with the salary band opened. The page only reads
  // from the node while it builds: neither the key nor the opened fields are sent.
  const sent = [];
  const onRequest = (request) => { if (request.method() !== 'GET') sent.push(request.url()); };
  page.on('request', onRequest);
  await page.locator('#bundle-by-period').focus();
  await page.keyboard.press('Space');
  await page.locator('#bundle-audience').fill(matcherKey(node));
  // A period with no entry is refused, in Japanese (the default) with the stable code.
  await page.locator('#bundle-from').fill('1990-01-01');
  await page.locator('#bundle-to').fill('1990-12-31');
  await page.locator('#bundle-audience').press('Enter');
  await page.locator('#bundle-status.error').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#bundle-status').textContent(), 'その期間に有効な記録がありません [bundle.empty_period]');
  assert.equal(await page.locator('#bundle-download').count(), 0);
  await page.locator('#bundle-from').fill('2016-01-01');
  await page.locator('#bundle-to').fill('2022-04-30');
  await page.locator('#bundle-disclose-salary_band').check();
  // Withhold a non-sensitive field, as `bundle create --withhold duties`.
  assert.equal(await page.locator('#bundle-disclose-duties').isChecked(), true, 'non-sensitive fields are open by default');
  await page.locator('#bundle-disclose-duties').uncheck();
  await page.locator('#bundle-audience').press('Enter');
  await page.locator('#bundle-download').waitFor({ timeout: 60000 });
  assert.doesNotMatch(await page.locator('#bundle-out').textContent(), /null|false/, 'no absent part rendered as text');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bundle-download').click()]);
  const file = path.join(node.dir, 'page-bundle.json');
  await download.saveAs(file);
  page.off('request', onRequest);
  assert.deepEqual(sent, []);
  await screenshot(page, 'candidate-bundle');

  // The real binary accepts it: a complete period, the key never sent.
  const cli = verifyWithCli(node, file);
  assert.equal(cli.code, 0, cli.out);
  const report = JSON.parse(cli.out);
  assert.match(report.checks.find((c) => c.name === 'completeness').detail, /all 4 current entries from 2016-01-01 to 2022-04-30/);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(doc.period, { from: '2016-01-01', to: '2022-04-30' });
  assert.equal(doc.entries.length, 4);  // not the hire at B of 2022-06-01, after the period
  const hire = doc.entries[0].fields;
  assert.ok(hire.some((f) => f.field === 'salary_band' && f.value === 'B3'), 'the opted-in sensitive field is open');
  assert.ok(doc.entries.some((e) => e.fields.some((f) => 'leaf' in f)), 'the separation reason stays withheld');
  assert.ok(doc.entries.every((e) => !e.fields.some((f) => f.field === 'duties')), 'duties withheld in every entry');
  // The secondment's duties (新規事業) are there as a commitment leaf only.
  assert.ok(!readFileSync(file, 'utf8').includes('新規事業'), 'the withheld value is not in the file');
  assert.match(report.checks.find((c) => c.name === 'disclosed_fields').detail, /[0-9]+ withheld/);

  // Chosen entries, one field withheld in one entry only: the hire's position closed, the
  // promotion's open (the boxes for all entries set each entry's; each entry's own boxes override).
  await page.locator('#bundle-by-entries').check();
  const hireBox = career.ids.hire.slice(0, 12);
  await page.locator(`#bundle-entry-${hireBox}`).check();
  await page.locator(`#bundle-entry-${career.ids.promotion.slice(0, 12)}`).check();
  assert.equal(await page.locator(`#bundle-field-${hireBox}-salary_band`).isChecked(), true, 'follows the box for all entries');
  await page.locator(`#bundle-fields-${hireBox} summary`).click();
  await page.locator(`#bundle-field-${hireBox}-position`).uncheck();
  await page.locator('#bundle-form button[type="submit"]').click();
  await page.locator('#bundle-download').waitFor({ timeout: 60000 });
  const [chosenDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#bundle-download').click()]);
  const chosenFile = path.join(node.dir, 'page-chosen.json');
  await chosenDownload.saveAs(chosenFile);
  await screenshot(page, 'candidate-bundle-chosen');
  assert.equal(verifyWithCli(node, chosenFile).code, 0);
  const chosen = JSON.parse(readFileSync(chosenFile, 'utf8'));
  const openedIn = (e) => e.fields.filter((f) => 'field' in f).map((f) => f.field).sort();
  assert.deepEqual(chosen.entries.map(openedIn), [['department', 'employment_type', 'salary_band'], ['position']]);
  assert.equal(chosen.entries[0].fields.length, 4, 'the hire\'s position is there, withheld');

  // The matcher opens its key file and chooses the bundle: every check passes in the page,
  // freshness from the node, and an access receipt is recorded there and offered.
  await page.goto(`${node.url}/#/matcher`);
  assert.match(await page.locator('#matcher-genesis').textContent(),
    new RegExp(`${node.genesis.chain_id} · ${genesisHash(sodium, node.genesis)} \\(ノードが配布\\)`));
  await openKeyFile(page, 'matcher', path.join(node.home, 'keys', 'matcher.key'));
  assert.equal(await page.locator('#matcher-key').inputValue(), matcherKey(node));
  await page.locator('#matcher-purpose').fill('営業職の選考');
  await page.locator('#matcher-file').setInputFiles(file);
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  await page.locator('#matcher-receipt-download').waitFor({ timeout: 30000 });
  const [receiptDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#matcher-receipt-download').click()]);
  const receiptFile = path.join(node.dir, 'receipt.json');
  await receiptDownload.saveAs(receiptFile);
  const pageReceipt = JSON.parse(readFileSync(receiptFile, 'utf8'));
  // The CLI lists it (it checks each receipt's signature and bundle hash), exactly as downloaded.
  const listed = JSON.parse(node.cli(['bundle', 'receipts', '--bundle', file, '--json']));
  assert.deepEqual(listed.receipts, [pageReceipt]);
  assert.equal(pageReceipt.purpose, '営業職の選考');
  assert.equal(pageReceipt.valid, true);
  assert.equal(pageReceipt.matcher, matcherKey(node));
  // The node refuses the same receipt with its signature altered: the page's receipt was accepted on its merits.
  const forged = await fetch(`${node.url}/v1/receipts`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...pageReceipt, purpose: '別の目的' }) });
  assert.equal(forged.status, 400);
  assert.equal((await forged.json()).code, 'receipt.bad_signature');
  assert.equal(await page.locator('#matcher-checks li').count(), 16);
  assert.equal(await page.locator('#matcher-checks li[data-passed="false"]').count(), 0);
  assert.equal(await page.locator('#matcher-untrusted').count(), 0);
  assert.doesNotMatch(await page.locator('#matcher-result').textContent(), /\bnull\b|\bfalse\b/, 'no absent part rendered as text');
  assert.match(await page.locator('#matcher-verdict').getAttribute('class'), /ok/);
  assert.equal(await page.locator('#timeline .bar[data-type="secondment"]').count(), 1);
  assert.match(await page.locator('#matcher-entries').textContent(), /開発部/);
  await screenshot(page, 'matcher-valid');
  if (process.env.JOBCARD_PORTAL_DOCS_SCREENSHOT) {
    // Refreshes node/portal/docs/matcher.png, shown in node/portal/README.md.
    await page.locator('#matcher-checks').screenshot({ path: path.resolve('node/portal/docs/matcher.png') });
  }

  // A copy with one field altered (the position inflated), dropped on the page: the failed check is named.
  const tampered = structuredClone(doc);
  const position = tampered.entries[0].fields.find((f) => f.field === 'position');
  position.value = 'director';
  await page.locator('#matcher-drop').evaluate((zone, text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'tampered.json', { type: 'application/json' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, JSON.stringify(tampered));
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  const failed = page.locator('#matcher-checks li[data-check="disclosed_fields"][data-passed="false"]');
  assert.match(await failed.textContent(), /示された項目が事業主のコミットメントと一致しません/);
  // Its receipt is recorded too, with valid false; the altered copy is another bundle (its hash
  // covers the opened values), so the original's receipts are unchanged.
  await page.locator('#matcher-receipt-download').waitFor({ timeout: 30000 });
  const [tamperedDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#matcher-receipt-download').click()]);
  const tamperedReceipt = JSON.parse(readFileSync(await tamperedDownload.path(), 'utf8'));
  assert.equal(tamperedReceipt.valid, false);
  assert.equal(tamperedReceipt.bundle_hash, bundleHash(sodium, tampered));
  assert.deepEqual(JSON.parse(node.cli(['bundle', 'receipts', '--bundle', file, '--json'])).receipts.map((r) => r.valid), [true]);
  assert.match(await page.locator('#matcher-verdict').getAttribute('class'), /failed/);
  await page.locator('#matcher-untrusted').waitFor();
  await screenshot(page, 'matcher-tampered');

  // A file that is not a bundle: the format check alone, no timeline.
  await page.locator('#matcher-file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"format": 1') });
  await page.locator('#matcher-checks li[data-check="format"][data-passed="false"]').waitFor();
  assert.equal(await page.locator('#matcher-checks li').count(), 1);
  assert.equal(await page.locator('#matcher-result #timeline').count(), 0);

  // In English, by keyboard: the same file, verified again with Enter in the key field; a wrong matcher fails audience.
  // The matcher's key file is opened again (the language switch redraws the page), then another
  // key typed over it.
  await page.locator('#lang').click();
  await openKeyFile(page, 'matcher', path.join(node.home, 'keys', 'matcher.key'));
  await page.locator('#matcher-key').fill(node.genesis.validators[0].key);
  await page.locator('#matcher-file').setInputFiles(file);
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  await page.locator('#matcher-key').press('Enter');
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  assert.match(await page.locator('#matcher-checks li[data-check="audience"]').textContent(), /Addressed to this matcher.*not to/s);
  assert.match(await page.locator('#matcher-checks li[data-check="disclosed_fields"]').textContent(), /disclosed field\(s\) match/);
  assert.equal(await page.locator('#matcher-checks li[data-passed="false"]').count(), 1);
  // The opened key file is not the key typed: no receipt is signed in its name for another audience.
  assert.match(await page.locator('#matcher-receipt-status').textContent(), /no access receipt: the public key typed is not the opened key file's/);
  assert.equal(await page.locator('#matcher-receipt-download').count(), 0);
  await page.locator('#lang').click();

  // A genesis file of the matcher's own: another chain's (a second dev home, never started) is
  // used instead of the node's, shown with its chain id and hash, and this bundle fails `chain`.
  const otherHome = path.join(node.dir, 'other-chain');
  execFileSync(BINARY, ['node', 'init', '--dev', '--home', otherHome], { cwd: node.dir, stdio: 'pipe', timeout: 60000 });
  const otherGenesis = JSON.parse(readFileSync(path.join(otherHome, 'genesis.json'), 'utf8'));
  assert.notEqual(genesisHash(sodium, otherGenesis), genesisHash(sodium, node.genesis));
  await page.goto(`${node.url}/#/matcher`);
  await page.locator('#matcher-genesis-file').setInputFiles(path.join(otherHome, 'genesis.json'));
  await page.locator('#matcher-genesis[data-source="genesis.json"]').waitFor();
  assert.match(await page.locator('#matcher-genesis').textContent(), new RegExp(`${otherGenesis.chain_id} · ${genesisHash(sodium, otherGenesis)}`));
  await page.locator('#matcher-key').fill(matcherKey(node));
  await page.locator('#matcher-file').setInputFiles(file);
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  const chainRow = page.locator('#matcher-checks li[data-check="chain"]');
  assert.equal(await chainRow.getAttribute('data-passed'), 'false');
  assert.match(await chainRow.textContent(), /別のジェネシス/);
  await screenshot(page, 'matcher-other-genesis');
  // The genesis of the bundle's own chain, as a file: every offline check passes again.
  await page.locator('#matcher-genesis-file').setInputFiles(path.join(node.home, 'genesis.json'));
  await page.locator(`#matcher-genesis:has-text("${genesisHash(sodium, node.genesis)}")`).waitFor();
  assert.equal(await page.locator('#matcher-checks').count(), 0, 'a new genesis clears the last result');
  await page.locator('#matcher-form button[type="submit"]').click();  // the same file, verified again
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  assert.equal(await page.locator('#matcher-checks li[data-passed="false"]').count(), 0);
  // Not a genesis: refused at the field, nothing verified.
  await page.locator('#matcher-genesis-file').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{}') });
  await page.locator('#matcher-genesis.error').waitFor();
  assert.equal(await page.locator('#matcher-checks').count(), 0);
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});
