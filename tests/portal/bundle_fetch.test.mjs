// The bundle form's paging of GET /v1/validator-transitions (bundle_fetch.js
// fetchTransitions) against scripted node answers: the bounds of
// cli/bundle_fetch.cpp FetchTransitions (at most 64 transitions, an empty page
// that names a next one refused, next_from must advance, malformed items
// refused), and how many pages it asks for whatever the node says.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_VALIDATOR_TRANSITIONS, fetchTransitions } from '../../node/portal/bundle_fetch.js';

const item = (n) => ({ header: `0a${n.toString(16).padStart(4, '0')}`, certificate: 'bb', next_validators: 'cc' });

// A node that answers `pages` in turn and records what was asked.
function scripted(pages) {
  const asked = [];
  const get = async (p) => {
    asked.push(p);
    if (asked.length > pages.length) throw new Error(`asked more pages than scripted: ${p}`);
    return pages[asked.length - 1];
  };
  return { get, asked };
}

test('transitions are paged from 0 up to the anchor, next_from followed, in order', async () => {
  const node = scripted([
    { validator_transitions: [item(1), item(2)], next_from: 9 },
    { validator_transitions: [item(3)] },
  ]);
  const got = await fetchTransitions(node.get, 42);
  assert.deepEqual(got, [item(1), item(2), item(3)]);
  assert.deepEqual(node.asked, ['/v1/validator-transitions?from=0&below=42', '/v1/validator-transitions?from=9&below=42']);
});

test('no transition below the anchor: an empty list', async () => {
  assert.deepEqual(await fetchTransitions(scripted([{ validator_transitions: [], next_from: null }]).get, 5), []);
});

test('more than 64 transitions: bundle.too_many_transitions, however they are paged', async () => {
  const many = Array.from({ length: MAX_VALIDATOR_TRANSITIONS + 1 }, (_, i) => item(i));
  await assert.rejects(fetchTransitions(scripted([{ validator_transitions: many }]).get, 100), { code: 'bundle.too_many_transitions' });
  const onePerPage = scripted(many.map((t, i) => ({ validator_transitions: [t], next_from: i + 1 })));
  await assert.rejects(fetchTransitions(onePerPage.get, 100), { code: 'bundle.too_many_transitions' });
  assert.equal(onePerPage.asked.length, MAX_VALIDATOR_TRANSITIONS + 1);
  // Exactly 64 is carried.
  assert.equal((await fetchTransitions(scripted([{ validator_transitions: many.slice(1) }]).get, 100)).length, MAX_VALIDATOR_TRANSITIONS);
});

test('a node that pages forever is refused, not followed', async () => {
  await assert.rejects(fetchTransitions(scripted([{ validator_transitions: [], next_from: 5 }]).get, 100),
    { code: 'node.bad_response', message: /empty page/ });
  await assert.rejects(fetchTransitions(scripted([{ validator_transitions: [item(1)], next_from: 0 }]).get, 100),
    { code: 'node.bad_response', message: /does not advance/ });
  const backwards = scripted([{ validator_transitions: [item(1)], next_from: 7 }, { validator_transitions: [item(2)], next_from: 7 }]);
  await assert.rejects(fetchTransitions(backwards.get, 100), { message: /does not advance/ });
  assert.equal(backwards.asked.length, 2);
});

test('malformed answers are refused', async () => {
  for (const page of [{}, { validator_transitions: 'x' }, { validator_transitions: [{ header: 'zz', certificate: 'bb', next_validators: 'cc' }] },
    { validator_transitions: [{ header: 'aa', certificate: 'bb' }] }, { validator_transitions: [{ ...item(1), extra: 'aa' }] },
    { validator_transitions: [item(1)], next_from: 'soon' }]) {
    await assert.rejects(fetchTransitions(scripted([page]).get, 100), { code: 'node.bad_response' }, JSON.stringify(page));
  }
});
