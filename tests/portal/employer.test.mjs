// Journey 2, the employer, in headless chromium against a real node: open
// the HR key file in the page, see the form refuse what the ledger would
// refuse (nothing is sent), record a hire and a co-signed secondment that
// the page encrypts, commits and signs, read them back with the C++ CLI
// (the worker's `history` decrypts what the browser wrote), and see the
// compliance report flag the overdue secondment and a wrong headcount.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enrollWorker, openKeyFile, screenshot, withNodeAndBrowser } from './support.mjs';

const session = withNodeAndBrowser(before, after);

async function logSize() {
  return (await (await fetch(`${session.node.url}/v1/status`)).json()).tip.log_size;
}

test('an employer records entries from the browser', { timeout: 240000 }, async () => {
  const { node, page, problems } = session;
  const worker = enrollWorker(node, 'employer');
  const [A, B] = [node.employer(0), node.employer(1)];
  await page.goto(`${node.url}/#/employer`);

  // A wrong passphrase is refused in the page.
  await page.locator('#employer-key-file').setInputFiles(node.employerKey(0));
  await page.locator('#employer-key-pass').fill('not the passphrase');
  await page.locator('#employer-key-pass').press('Enter');
  await page.locator('#employer-key-status.error').waitFor({ timeout: 60000 });
  assert.match(await page.locator('#employer-key-status').textContent(), /keystore\.wrong_passphrase/);

  await openKeyFile(page, 'employer', node.employerKey(0));
  // The key opens before the page has looked its employer up on the node: wait for the answer.
  await page.locator('#employer-who.ok, #employer-who.error').waitFor({ timeout: 60000 });
  assert.match(await page.locator('#employer-who').textContent(), new RegExp(`${node.genesis.employers[0].name} \\(${A}\\)`));

  // The form's checks: each broken rule is shown at its field and nothing is sent.
  const before = await logSize();
  await page.locator('#emp-kind').selectOption('secondment_start');
  await page.locator('#emp-subject').fill(worker.subject);
  await page.locator('#emp-effective_date').fill('2022-10-01');
  await page.locator('#emp-host_employer').fill(A);
  await page.locator('#emp-expected_end').fill('2022-09-30');
  await page.locator('#emp-submit').click();
  assert.match(await page.locator('#emp-host_employer-error').textContent(), /tx\.form\.host_differs/);
  assert.match(await page.locator('#emp-expected_end-error').textContent(), /tx\.form\.expected_end_order/);
  assert.equal(await page.locator('#emp-host_employer').getAttribute('aria-invalid'), 'true');
  await page.locator('#emp-host_employer').fill(`8${B.slice(1)}`);
  await page.locator('#emp-effective_date').fill('2999-01-01');
  await page.locator('#emp-submit').click();
  assert.match(await page.locator('#emp-host_employer-error').textContent(), /id\.corporate_number_check/);
  assert.match(await page.locator('#emp-effective_date-error').textContent(), /date\.invalid/);
  await page.locator('#emp-effective_date').fill('2099-01-01');
  await page.locator('#emp-submit').click();
  assert.match(await page.locator('#emp-effective_date-error').textContent(), /validation\.effective_date_in_future/);
  assert.equal(await logSize(), before, 'nothing was sent');

  // A hire, late (compliance), encrypted to the worker and the employer.
  await page.locator('#emp-kind').selectOption('hire');
  await page.locator('#emp-effective_date').fill('2019-04-01');
  await page.locator('#emp-employment_type').selectOption('regular');
  await page.locator('#emp-position').selectOption('staff');
  await page.locator('#emp-department').fill('営業部 札幌支店');
  await page.locator('#emp-duties').fill('道内製造業向けの法人営業');
  await page.locator('#emp-submit').click();
  await page.locator('#emp-result .entry-id').waitFor({ timeout: 30000 });
  const hireId = await page.locator('#emp-result .entry-id').textContent();
  assert.match(hireId, /^[0-9a-f]{64}$/);

  // A secondment to B, co-signed with B's key opened in the same page.
  await page.locator('#emp-kind').selectOption('secondment_start');
  await openKeyFile(page, 'host', node.employerKey(1));
  await page.locator('#emp-effective_date').fill('2022-10-01');
  await page.locator('#emp-host_employer').fill(B);
  await page.locator('#emp-expected_end').fill('2023-09-30');
  await page.locator('#emp-position').selectOption('department_head');
  await page.locator('#emp-duties').fill('事業承継に向けた経営企画');
  await page.locator('#emp-submit').click();
  // (Not page.waitForFunction: the page's CSP forbids the eval it needs.)
  await page.locator('#emp-result .entry-id').filter({ hasNotText: hireId }).waitFor({ timeout: 30000 });
  const secondmentId = await page.locator('#emp-result .entry-id').textContent();

  // The C++ client decrypts and verifies what the browser wrote.
  const history = JSON.parse(node.cli(['history', '--subject-key', worker.keyFile, '--subject', worker.subject, '--json']));
  assert.equal(history.verified, true, JSON.stringify(history));
  const byKind = Object.fromEntries(history.entries.map((e) => [e.kind, e]));
  assert.deepEqual(byKind.hire.payload, { employment_type: 'regular', position: 'staff', department: '営業部 札幌支店',
    duties: '道内製造業向けの法人営業' });
  assert.equal(byKind.hire.effective_date, '2019-04-01');
  assert.equal(byKind.secondment_start.host_employer, B);
  assert.equal(byKind.secondment_start.expected_end, '2023-09-30');
  assert.deepEqual(byKind.secondment_start.payload, { position: 'department_head', duties: '事業承継に向けた経営企画' });
  assert.ok(history.entries.some((e) => e.id === secondmentId));

  // The compliance report: the secondment is past its expected end and still open. (The 2019
  // hire is not "late": entries dated before the chain's compliance_start_date never are.)
  await page.locator('#compliance-refresh').click();
  await page.locator(`#compliance tr.overdue a[href="#/entry/${secondmentId}"]`).waitFor();
  assert.equal(await page.locator('#compliance tr.late').count(), 0);
  // A headcount declaration that the ledger contradicts (1 employee, 5 declared) shows as a mismatch.
  await page.locator('#hc-count').fill('-1');
  await page.locator('#hc-submit').click();
  assert.notEqual(await page.locator('#hc-count-error').textContent(), '');
  await page.locator('#hc-count').fill('5');
  await page.locator('#hc-submit').click();
  await page.locator('#headcount-result .entry-id').waitFor({ timeout: 30000 });
  const mismatch = page.locator('#compliance tr.mismatch');
  await mismatch.waitFor();
  assert.deepEqual((await mismatch.locator('td').allTextContents()).slice(1), ['5', '1', '4']);
  await screenshot(page, 'employer');
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});
