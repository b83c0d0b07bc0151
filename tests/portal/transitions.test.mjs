// The candidate's bundle form on a chain whose validator set changed
// (spec/bundle.md §4.2), against a real node: the registrar admits a second
// validator with `jobcard registrar add-validator`; the dev chain then cannot
// commit without it, so the test stops the node and certifies the next block
// with both keys (tests/tools/certify_next_block, as
// tests/cli/validator_change_test.cpp does in process), and restarts it. The
// bundle built in the page must carry the transition (GET
// /v1/validator-transitions) and verify offline with the real `jobcard verify`
// and the matcher page, holding only the genesis.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BINARY, TOOLS_DIR, enrollWorker, openKeyFile, screenshot, withNodeAndBrowser } from './support.mjs';

const session = withNodeAndBrowser(before, after);

test('a bundle built in the page after a validator-set change carries the transition and verifies offline', { timeout: 240000 }, async () => {
  assert.ok(TOOLS_DIR, 'set JOBCARD_TOOLS_DIR to the build\'s tests/tools (ctest does)');
  const { node, page, problems } = session;
  const worker = enrollWorker(node, 'transitions');
  const hire = JSON.parse(node.cli(['employer', 'hire', '--key', node.employerKey(0), '--employer', node.employer(0),
    '--subject', worker.subject, '--date', '2019-04-01', '--employment-type', 'regular', '--position', 'staff', '--json'])).id;
  const second = path.join(node.dir, 'second-validator.key');
  node.cli(['key', 'new', '--out', second, '--label', 'second validator']);
  const added = JSON.parse(node.cli(['registrar', 'add-validator', '--validator-key', second, '--power', '1', '--name', '北海道地方銀行',
    '--home', node.home, '--json']));
  assert.equal(added.status, 'committed', JSON.stringify(added));

  await node.stopProcess();
  execFileSync(path.join(TOOLS_DIR, 'certify_next_block'), ['--home', node.home, '--key', path.join(node.home, 'keys', 'validator.key'),
    '--key', second], { stdio: 'pipe', timeout: 60000 });
  await node.restart();
  const served = await (await fetch(`${node.url}/v1/validator-transitions`)).json();
  assert.equal(served.validator_transitions.length, 1, JSON.stringify(served));

  await page.goto(`${node.url}/#/candidate`);
  await page.locator('#candidate-subject').fill(worker.subject);
  await openKeyFile(page, 'candidate', worker.keyFile);
  await page.locator(`#bundle-entry-${hire.slice(0, 12)}`).check();
  const matcher = node.genesis.matchers[0].key;
  await page.locator('#bundle-audience').fill(matcher);
  await page.locator('#bundle-form button[type="submit"]').click();
  await page.locator('#bundle-download').waitFor({ timeout: 60000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bundle-download').click()]);
  const file = path.join(node.dir, 'changed-set-bundle.json');
  await download.saveAs(file);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.validator_transitions.length, 1);
  assert.deepEqual(doc.validator_transitions[0], served.validator_transitions[0]);

  // The real binary, offline, with the genesis file only.
  const report = JSON.parse(execFileSync(BINARY, ['verify', file, '--genesis', path.join(node.home, 'genesis.json'), '--matcher', matcher,
    '--json'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 }).toString());
  assert.equal(report.valid, true, JSON.stringify(report.checks, null, 1));
  assert.match(report.checks.find((c) => c.name === 'header_chain').detail, /after 1 recorded change/);

  // The matcher page too, in Japanese: the header chain through the change.
  await page.goto(`${node.url}/#/matcher`);
  await page.locator('#matcher-key').fill(matcher);
  await page.locator('#matcher-file').setInputFiles(file);
  await page.locator('#matcher-checks li[data-check="freshness"]').waitFor({ timeout: 30000 });
  assert.equal(await page.locator('#matcher-checks li[data-passed="false"]').count(), 0);
  assert.match(await page.locator('#matcher-checks li[data-check="header_chain"]').textContent(), /1 回の変更後のバリデータ集合/);
  await screenshot(page, 'matcher-validator-change');
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});
