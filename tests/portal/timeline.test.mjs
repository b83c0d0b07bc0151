// The timeline model (node/portal/timeline.js) and the form rules
// (node/portal/rules.js): pure functions, no browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, effectiveEntries } from '../../node/portal/timeline.js';
import { checkCorporateNumber, checkDate, checkEntryForm, checkNotInFuture, checkText, corporateCheckDigit }
  from '../../node/portal/rules.js';

const A = '7000012050002';
const B = '2000301018771';
const C = '3010001008801';
let next = 0;
const entry = (kind, employer, date, extra = {}) => ({ id: `e${++next}`, kind, employer, effective_date: date, references: [],
  fields: {}, ...extra });

test('employment, secondment, side job, changes and a gap', () => {
  const hire = entry('hire', A, '2015-04-01', { fields: { position: 'staff' } });
  const promo = entry('position_change', A, '2018-04-01', { fields: { position: 'section_head' } });
  const second = entry('secondment_start', A, '2019-10-01', { host_employer: B, expected_end: '2020-09-30' });
  const secondEnd = entry('secondment_end', A, '2020-09-30', { host_employer: B, references: [second.id] });
  const leave = entry('separation', A, '2021-03-31');
  const hire2 = entry('hire', B, '2021-10-01');
  const side = entry('side_job_start', C, '2022-01-01', { fields: { work_pattern: '週2日' } });
  const tl = buildTimeline([hire, promo, second, secondEnd, leave, hire2, side], '2024-01-01', { [A]: '甲社', [B]: '乙社' });
  const laneA = tl.lanes.find((l) => l.employer === A);
  assert.equal(laneA.name, '甲社');
  assert.deepEqual(laneA.bars.map((b) => [b.type, b.from, b.to, b.open]), [['employment', '2015-04-01', '2021-03-31', false]]);
  assert.deepEqual(laneA.markers.map((m) => m.kind), ['position_change', 'separation']);
  const laneB = tl.lanes.find((l) => l.employer === B);
  assert.deepEqual(laneB.bars.map((b) => [b.type, b.from, b.to, b.open]),
    [['secondment', '2019-10-01', '2020-09-30', false], ['employment', '2021-10-01', '2024-01-01', true]]);
  const laneC = tl.lanes.find((l) => l.employer === C);
  assert.deepEqual(laneC.bars.map((b) => [b.type, b.open, b.label]), [['side_job', true, '週2日']]);
  assert.deepEqual(tl.gaps, [{ from: '2021-04-01', to: '2021-09-30', days: 183 }]);
  assert.equal(tl.start, '2015-04-01');
  assert.equal(tl.end, '2024-01-01');
});

test('corrections replace the corrected entry; retractions remove it; disputes mark it', () => {
  const hire = entry('hire', A, '2015-04-01', { fields: { position: 'staff' } });
  const fix = entry('correction', A, '2015-04-08', { references: [hire.id], reason: 2, fields: { position: 'senior_staff' } });
  const fix2 = entry('correction', A, '2015-04-09', { references: [fix.id], reason: 1, fields: { position: 'staff' } });
  const promo = entry('position_change', A, '2018-04-01');
  const retract = entry('correction', A, '2018-04-01', { references: [promo.id], reason: 5 });
  const dispute = entry('dispute', A, '2023-01-01', { references: [fix2.id], reason: 3 });
  const effective = effectiveEntries([hire, fix, fix2, promo, retract, dispute]);
  assert.equal(effective.length, 1);
  assert.equal(effective[0].id, hire.id);
  assert.equal(effective[0].effective_date, '2015-04-09');
  assert.deepEqual(effective[0].fields, { position: 'staff' });
  assert.ok(effective[0].corrected);
  assert.ok(effective[0].disputed);
  // An entry that failed a check is left out of the timeline.
  assert.equal(effectiveEntries([{ ...hire, failed: 'bad signature' }]).length, 0);
});

test('corporate numbers: check digit as spec/encoding.md §2', () => {
  assert.equal(checkCorporateNumber('7000012050002'), null);
  assert.equal(corporateCheckDigit('000012050002'), 7);
  assert.equal(checkCorporateNumber('8000012050002').code, 'id.corporate_number_check');
  assert.equal(checkCorporateNumber('700001205000').code, 'id.corporate_number_form');
  assert.equal(checkCorporateNumber('70000120500a2').code, 'id.corporate_number_form');
});

test('dates: real calendar dates in 1900-2199, not in the future', () => {
  assert.equal(checkDate('2024-02-29'), null);
  for (const bad of ['2023-02-29', '2024-13-01', '1899-12-31', '2200-01-01', '2024-4-1', '', undefined]) {
    assert.equal(checkDate(bad)?.code, 'date.invalid', String(bad));
  }
  const now = Date.parse('2026-03-31T23:00:00Z') / 1000;
  assert.equal(checkNotInFuture('2026-04-01', now), null);  // the day of skew for JST mornings
  assert.equal(checkNotInFuture('2026-04-02', now).code, 'validation.effective_date_in_future');
});

test('text fields: no control characters but tab and newline, at most 1024 bytes', () => {
  assert.equal(checkText('営業部\t第一課\n札幌'), null);
  assert.equal(checkText('a\rb').code, 'encoding.control_char');
  assert.equal(checkText('a\u0000').code, 'encoding.control_char');
  assert.equal(checkText('あ'.repeat(341)), null);  // 1023 bytes
  assert.equal(checkText('あ'.repeat(342)).code, 'payload.field_too_large');
});

test('an entry form reports every failing rule with its field', () => {
  const now = Date.parse('2026-01-01T00:00:00Z') / 1000;
  const errors = checkEntryForm({ kind: 'secondment_start', employer: A, host_employer: A, effective_date: '2025-10-01',
    expected_end: '2025-09-30', recorded_at: now, payload: { note: 'x\r' } });
  assert.deepEqual(errors.map((e) => `${e.field}:${e.code}`).sort(),
    ['expected_end:tx.form.expected_end_order', 'host_employer:tx.form.host_differs', 'note:encoding.control_char']);
  assert.deepEqual(checkEntryForm({ kind: 'hire', employer: A, effective_date: '2025-10-01', recorded_at: now,
    payload: { position: 'staff' } }), []);
  assert.deepEqual(checkEntryForm({ kind: 'correction', employer: A, effective_date: '2025-10-01', recorded_at: now,
    reference: 'ab', reason: 9, payload: {} }).map((e) => e.code), ['tx.form.reference_count', 'tx.form.correction_reason']);
});
