// Journey 1, the explorer, in headless chromium against a real node: the
// chain's height and blocks with certificates, validators, registered
// employers; an entry's page with its id, signatures and inclusion proof
// checked in the browser; and a live update when a new block commits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enrollWorker, screenshot, withNodeAndBrowser } from './support.mjs';

const session = withNodeAndBrowser(before, after);

test('the explorer shows the chain, and follows it live', { timeout: 180000 }, async () => {
  const { node, page, problems } = session;
  const worker = enrollWorker(node, 'explorer');
  const E = ['--key', node.employerKey(0), '--employer', node.employer(0), '--subject', worker.subject];
  const hire = JSON.parse(node.cli(['employer', 'hire', ...E, '--date', '2020-04-01', '--employment-type', 'regular',
    '--position', 'staff', '--json'])).id;
  const status = await (await fetch(`${node.url}/v1/status`)).json();

  await page.goto(`${node.url}/`);
  await page.locator('#stat-height').waitFor();
  assert.equal(await page.locator('#stat-height').textContent(), String(status.tip.height));
  assert.equal(await page.locator('#stat-chain').textContent(), status.chain_id);
  // Japanese by default.
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.match(await page.locator('#explorer-live').textContent(), /最近のブロック/);
  // Every block row shows its certificate.
  const rows = page.locator('tr[data-height]');
  assert.equal(await rows.count(), Math.min(10, status.tip.height));
  assert.match(await rows.first().locator('.cert').textContent(), /1 署名/);
  // The validators and both demo employers.
  assert.match(await page.locator('#explorer-live').textContent(), new RegExp(status.validators[0].name));
  for (const e of node.genesis.employers) {
    assert.match(await page.locator(`tr[data-employer="${e.id}"]`).textContent(), new RegExp(e.name));
  }
  await screenshot(page, 'explorer');

  // Live: a block committed after the page loaded appears without a reload.
  const second = JSON.parse(node.cli(['employer', 'role-change', ...E, '--date', '2021-04-01', '--duties', '法人営業', '--json'])).id;
  await page.locator(`a[href="#/entry/${second}"]`).waitFor({ timeout: 20000 });
  assert.ok(Number(await page.locator('#stat-height').textContent()) > status.tip.height);

  // The entry page: public metadata and proofs, verified in the page.
  await page.locator(`a[href="#/entry/${hire}"]`).click();
  await page.locator('#check-proof').waitFor();
  assert.equal(await page.locator('[data-kind]').getAttribute('data-kind'), 'hire');
  assert.match(await page.locator('#entry-meta').textContent(), /2020-04-01/);
  assert.match(await page.locator('#entry-meta').textContent(), new RegExp(worker.subject));
  assert.equal(await page.locator('#check-id').getAttribute('class'), 'pass');
  assert.equal(await page.locator('#check-proof').getAttribute('class'), 'pass');
  assert.equal(await page.locator('#entry-signatures li.pass').count(), 1);
  await screenshot(page, 'explorer-entry');

  // The lookup form takes an id, and English is one click away.
  await page.locator('nav a[data-page="explorer"]').click();
  await page.locator('#entry-id').fill(second);
  await page.locator('#entry-id').press('Enter');
  await page.locator('#check-proof').waitFor();
  assert.equal(await page.locator('[data-kind]').getAttribute('data-kind'), 'role_change');
  await page.locator('#lang').click();
  await page.locator('text=Inclusion proof').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual(problems, [], 'no console errors or CSP violations');
});

// The explorer's employer table and the employer page's key lookup
// (employer.js findEmployer) read GET /v1/employers, paged with after=.
test('GET /v1/employers pages through every employer in 法人番号 order', async () => {
  const { node } = session;
  const get = async (query) => {
    const response = await fetch(`${node.url}/v1/employers${query}`);
    return { status: response.status, body: await response.json() };
  };
  const ids = node.genesis.employers.map((e) => e.id).sort();
  assert.ok(ids.length >= 2);
  const all = await get('');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.employers.map((e) => e.id), ids);
  assert.equal(all.body.next_after, undefined, 'one page holds them all');
  const first = all.body.employers[0];
  assert.equal(first.status, 'active');
  assert.equal(first.keys[0].key, node.genesis.employers.find((e) => e.id === ids[0]).keys[0]);
  // One a page: each page names the last id it holds; the last page none.
  const seen = [];
  let after = '';
  for (let page = 0; page <= ids.length; ++page) {
    const { status, body } = await get(`?limit=1${after ? `&after=${after}` : ''}`);
    assert.equal(status, 200);
    assert.equal(body.employers.length, 1);
    seen.push(body.employers[0].id);
    if (!body.next_after) break;
    assert.equal(body.next_after, body.employers[0].id);
    after = body.next_after;
  }
  assert.deepEqual(seen, ids);
  assert.deepEqual((await get(`?after=${ids.at(-1)}`)).body.employers, []);
  for (const query of ['?after=1234', '?after=abcdefghijklm', '?limit=x', '?limit=-1']) {
    assert.equal((await get(query)).status, 400, query);
  }
});
