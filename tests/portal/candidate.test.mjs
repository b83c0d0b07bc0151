// Journey 3, the candidate, in headless chromium against a real node: a
// career recorded with the CLI (two employers, a promotion, a secondment, a
// separation, a gap, a side job) is opened with the worker's key file in the
// page, checked and decrypted there, and drawn as a timeline; the worker
// disputes the promotion, and the C++ client sees the dispute.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { enrollWorker, openKeyFile, screenshot, withNodeAndBrowser } from './support.mjs';

const session = withNodeAndBrowser(before, after);

test('a candidate sees their timeline and disputes an entry', { timeout: 240000 }, async () => {
  const { node, page, problems } = session;
  const worker = enrollWorker(node, 'candidate');
  const [A, B] = [node.employer(0), node.employer(1)];
  const EA = ['--key', node.employerKey(0), '--employer', A, '--subject', worker.subject];
  const EB = ['--key', node.employerKey(1), '--employer', B, '--subject', worker.subject];
  const id = (args) => JSON.parse(node.cli([...args, '--json'])).id;
  id(['employer', 'hire', ...EA, '--date', '2015-04-01', '--employment-type', 'regular', '--position', 'staff',
    '--department', '営業部 札幌支店']);
  const promotion = id(['employer', 'position-change', ...EA, '--date', '2018-04-01', '--position', 'section_head',
    '--department', '営業企画部']);
  const secondment = id(['employer', 'second', ...EA, '--date', '2019-10-01', '--host', B, '--host-key', node.employerKey(1),
    '--expected-end', '2020-09-30', '--duties', '経営企画']);
  id(['employer', 'end-secondment', ...EA, '--date', '2020-09-30', '--ref', secondment, '--host', B,
    '--host-key', node.employerKey(1)]);
  id(['employer', 'separate', ...EA, '--date', '2021-03-31', '--separation-reason', 'voluntary']);
  id(['employer', 'hire', ...EB, '--date', '2021-10-01', '--employment-type', 'regular', '--position', 'senior_staff']);
  id(['employer', 'side-job', ...EA, '--date', '2022-01-01', '--duties', '技術顧問', '--work-pattern', '週1日']);

  await page.goto(`${node.url}/#/candidate`);
  await page.locator('#candidate-subject').fill(worker.subject);
  await openKeyFile(page, 'candidate', worker.keyFile);
  await page.locator('#timeline').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#history-checks').getAttribute('class'), 'ok');

  // Lanes: A (employment, side job, promotion and separation markers), B (secondment, employment), gaps.
  const laneA = page.locator(`#timeline .lane[data-employer="${A}"]`);
  const laneB = page.locator(`#timeline .lane[data-employer="${B}"]`);
  assert.match(await laneA.locator('.lane-name').textContent(), new RegExp(node.genesis.employers[0].name));
  assert.equal(await laneA.locator('.bar[data-type="employment"]').count(), 1);
  assert.equal(await laneA.locator('.bar[data-type="side_job"]').count(), 1);
  assert.equal(await laneA.locator('.marker').count(), 2);
  assert.equal(await laneB.locator('.bar[data-type="secondment"]').count(), 1);
  assert.equal(await laneB.locator('.bar[data-type="employment"]').count(), 1);
  assert.match(await page.locator('#timeline .bar[data-type="gap"]').getAttribute('title'), /2021-04-01 – 2021-09-30 \(183/);
  // Bars are placed by date: the secondment starts right of A's employment start.
  const left = async (loc) => (await loc.boundingBox()).x;
  assert.ok(await left(laneB.locator('.bar[data-type="secondment"]')) > await left(laneA.locator('.bar[data-type="employment"]')));
  // Decrypted details are shown in the page.
  assert.match(await page.locator(`li[data-entry="${promotion}"]`).textContent(), /営業企画部/);
  await screenshot(page, 'candidate-timeline');
  if (process.env.JOBCARD_PORTAL_DOCS_SCREENSHOT) {
    // `JOBCARD_PORTAL_DOCS_SCREENSHOT=1` refreshes the README's picture (node/portal/docs/timeline.png).
    mkdirSync(path.resolve('node/portal/docs'), { recursive: true });
    await page.locator('#timeline').screenshot({ path: path.resolve('node/portal/docs/timeline.png') });
  }

  // Dispute the promotion, by keyboard.
  await page.locator(`li[data-entry="${promotion}"] .dispute-open`).focus();
  await page.keyboard.press('Enter');
  const form = page.locator(`form.dispute-form[data-for="${promotion}"]`);
  await form.locator('select').selectOption('3');
  await form.locator('textarea').fill('昇進日は2018-05-01です');
  await form.locator('button[type="submit"]').click();
  await page.locator(`li[data-entry="${promotion}"] .tag.disputed`).waitFor({ timeout: 30000 });
  assert.equal(await page.locator('li[data-kind="dispute"]').count(), 1);
  await screenshot(page, 'candidate-disputed');

  const history = JSON.parse(node.cli(['history', '--subject-key', worker.keyFile, '--subject', worker.subject, '--json']));
  assert.equal(history.verified, true);
  const disputed = history.entries.find((e) => e.id === promotion);
  assert.equal(disputed.disputed, true);
  const dispute = history.entries.find((e) => e.kind === 'dispute');
  assert.deepEqual(dispute.payload, { note: '昇進日は2018-05-01です' });
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});
