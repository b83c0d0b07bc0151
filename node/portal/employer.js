// Employer journey: open the HR key file, record career entries through a
// form checked like the ledger checks them (rules.js), encrypted, committed
// and signed in this page (entry_builder.js), sent to /v1/txs; and the
// employer's compliance report.
import { ApiError, getJson, postJson, waitForTx } from './api.js';
import { CAREER_KINDS, PAYLOAD_FIELDS } from './codec.js';
import { el, field, short } from './dom.js';
import { addText, t } from './i18n.js';
import { buildEntry, publicKeyFromHex, randomNonce, signEntry } from './entry_builder.js';
import { keyForm } from './key_loader.js';
import { CORRECTION_REASONS, checkDate, checkEntryForm, checkNotInFuture } from './rules.js';
import { loadSodium } from './sodium.js';

// Every career kind but the dispute (the worker's own, candidate.js).
const EMPLOYER_KINDS = CAREER_KINDS.filter((kind) => kind !== 'dispute');
const ALL_FIELDS = Object.keys(PAYLOAD_FIELDS);
// Usual payload fields per kind (spec/data-model.md §4); a correction restates them all.
const KIND_FIELDS = {
  hire: ['employment_type', 'position', 'grade', 'department', 'duties', 'work_location', 'salary_band'],
  position_change: ['position', 'grade', 'department', 'work_location', 'salary_band'],
  role_change: ['duties', 'department'],
  secondment_start: ['position', 'department', 'duties', 'work_location', 'work_pattern'],
  secondment_end: ['note'], side_job_end: ['note'],
  side_job_start: ['employment_type', 'position', 'duties', 'work_pattern', 'salary_band'],
  separation: ['separation_reason', 'note'], correction: ALL_FIELDS,
};
const CHOICES = {
  employment_type: ['regular', 'fixed_term', 'part_time', 'dispatched', 'reemployed'],
  position: ['director', 'department_head', 'section_head', 'subsection_head', 'senior_staff', 'staff'],
  separation_reason: ['voluntary', 'employer', 'retirement_age', 'contract_end'],
};

addText({
  'employer.title': '事業主（人事）', 'employer.key': '人事の鍵ファイル', 'employer.as': '事業主',
  'employer.unknown_key': 'この鍵はどの登録事業主の有効な鍵でもありません', 'employer.record': '記録する',
  'employer.kind': '種別', 'employer.subject': '対象者ID（本人から受け取る16進64桁）', 'employer.effective_date': '発令日',
  'employer.reference': '参照する記録のID', 'employer.host': '出向先の法人番号', 'employer.expected_end': '出向終了予定日',
  'employer.reason': '訂正の理由', 'employer.host_key': '出向先の鍵ファイル（共同署名）', 'employer.submit': '署名して送信',
  'employer.sending': '送信しています…', 'employer.committed': '台帳に記録されました', 'employer.rejected': '台帳が拒否しました',
  'employer.invalid': '入力を確認してください', 'employer.compliance': 'コンプライアンス報告', 'employer.refresh': '更新',
  'employer.late': '遅延記録', 'employer.overdue': '期限超過の出向', 'employer.mismatch': '在籍者数の不一致',
  'employer.none': '該当なし', 'employer.days_late': '遅延日数', 'employer.days_overdue': '超過日数',
  'employer.as_of': '基準日', 'employer.details': '記録の内容（暗号化されます）', 'employer.host_needed': '出向先の鍵を先に開いてください',
  'employer.entry_id': '記録ID', 'employer.height': 'ブロック高', 'employer.headcount': '在籍者数の届出',
  'employer.headcount_date': '基準日', 'employer.headcount_count': '在籍者数', 'employer.headcount_send': '署名して届出',
  'employer.count_bad': '0以上の整数を入力してください', 'employer.declared': '届出', 'employer.counted': '台帳上', 'employer.difference': '差',
  'field.employment_type': '雇用形態', 'field.position': '役職', 'field.grade': '等級', 'field.department': '部署',
  'field.duties': '職務内容', 'field.work_location': '勤務地', 'field.salary_band': '給与帯（万円）',
  'field.separation_reason': '退職理由', 'field.note': '備考', 'field.work_pattern': '勤務形態',
  'choice.regular': '正社員', 'choice.fixed_term': '契約社員', 'choice.part_time': 'パート・アルバイト',
  'choice.dispatched': '派遣', 'choice.reemployed': '嘱託', 'choice.director': '取締役', 'choice.department_head': '部長',
  'choice.section_head': '課長', 'choice.subsection_head': '係長', 'choice.senior_staff': '主任', 'choice.staff': '一般',
  'choice.voluntary': '自己都合', 'choice.employer': '会社都合', 'choice.retirement_age': '定年', 'choice.contract_end': '契約満了',
  'choice.none': '（なし）', 'reason.clerical': '記載誤り', 'reason.wrong_date': '日付の誤り', 'reason.wrong_subject': '対象者の誤り',
  'reason.wrong_kind': '種別の誤り', 'reason.retraction': '取消し', 'reason.other': 'その他',
  'id.corporate_number_form': '法人番号は13桁の数字です', 'id.corporate_number_check': '法人番号のチェックデジットが違います',
  'date.invalid': '実在する日付（1900〜2199年）を入力してください', 'validation.effective_date_in_future': '未来の日付は記録できません',
  'tx.form.host_differs': '出向先は自社と異なる必要があります', 'tx.form.expected_end_order': '終了予定日は発令日以降にしてください',
  'tx.form.reference_count': '参照する記録のID（16進64桁）を入力してください', 'tx.form.correction_reason': '理由を選んでください',
  'encoding.control_char': '制御文字は使えません', 'payload.field_too_large': '1024バイト以内にしてください',
  'payload.too_large': '内容が長すぎます（合計8192バイト以内）', 'subject.bad': '対象者IDは16進64桁です',
  'validation.subject_not_enrolled': 'この対象者は台帳に登録されていません',
}, {
  'employer.title': 'Employer (HR)', 'employer.key': 'HR key file', 'employer.as': 'Employer',
  'employer.unknown_key': 'this key is not an active key of any registered employer', 'employer.record': 'Record an entry',
  'employer.kind': 'Kind', 'employer.subject': 'Subject id (64 hex digits, from the worker)', 'employer.effective_date': 'Effective date',
  'employer.reference': 'Id of the entry referred to', 'employer.host': 'Host employer (法人番号)', 'employer.expected_end': 'Expected end',
  'employer.reason': 'Reason for the correction', 'employer.host_key': 'Host employer key file (co-signature)', 'employer.submit': 'Sign and send',
  'employer.sending': 'Sending…', 'employer.committed': 'Committed to the ledger', 'employer.rejected': 'The ledger refused it',
  'employer.invalid': 'Please check the form', 'employer.compliance': 'Compliance report', 'employer.refresh': 'Refresh',
  'employer.late': 'Late entries', 'employer.overdue': 'Overdue secondments', 'employer.mismatch': 'Headcount mismatches',
  'employer.none': 'none', 'employer.days_late': 'days late', 'employer.days_overdue': 'days overdue',
  'employer.as_of': 'As of', 'employer.details': 'Details (encrypted)', 'employer.host_needed': 'open the host employer key first',
  'employer.entry_id': 'Entry id', 'employer.height': 'Height', 'employer.headcount': 'Headcount declaration',
  'employer.headcount_date': 'As of', 'employer.headcount_count': 'Active employees', 'employer.headcount_send': 'Sign and declare',
  'employer.count_bad': 'enter a whole number, 0 or more', 'employer.declared': 'declared', 'employer.counted': 'on the ledger', 'employer.difference': 'difference',
  'field.employment_type': 'Employment type', 'field.position': 'Position', 'field.grade': 'Grade', 'field.department': 'Department',
  'field.duties': 'Duties', 'field.work_location': 'Work location', 'field.salary_band': 'Salary band (10k yen)',
  'field.separation_reason': 'Separation reason', 'field.note': 'Note', 'field.work_pattern': 'Work pattern',
  'choice.regular': 'regular', 'choice.fixed_term': 'fixed term', 'choice.part_time': 'part time',
  'choice.dispatched': 'dispatched', 'choice.reemployed': 're-employed', 'choice.director': 'director',
  'choice.department_head': 'department head', 'choice.section_head': 'section head', 'choice.subsection_head': 'subsection head',
  'choice.senior_staff': 'senior staff', 'choice.staff': 'staff', 'choice.voluntary': 'voluntary', 'choice.employer': "employer's decision",
  'choice.retirement_age': 'retirement age', 'choice.contract_end': 'end of contract', 'choice.none': '(none)',
  'reason.clerical': 'clerical error', 'reason.wrong_date': 'wrong date', 'reason.wrong_subject': 'wrong person',
  'reason.wrong_kind': 'wrong kind', 'reason.retraction': 'retraction', 'reason.other': 'other',
  'id.corporate_number_form': 'a corporate number is 13 digits', 'id.corporate_number_check': 'the corporate number has a wrong check digit',
  'date.invalid': 'enter a real date (1900–2199)', 'validation.effective_date_in_future': 'the date is in the future',
  'tx.form.host_differs': 'the host must be another employer', 'tx.form.expected_end_order': 'the expected end is before the effective date',
  'tx.form.reference_count': 'enter the id (64 hex digits) of the entry referred to', 'tx.form.correction_reason': 'choose a reason',
  'encoding.control_char': 'control characters are not allowed', 'payload.field_too_large': 'at most 1024 bytes',
  'payload.too_large': 'the details are too long (8192 bytes in all)', 'subject.bad': 'a subject id is 64 hex digits',
  'validation.subject_not_enrolled': 'the subject is not enrolled on this ledger',
});

function payloadControl(name) {
  if (CHOICES[name]) {
    return el('select', { name }, el('option', { value: '' }, t('choice.none')),
      CHOICES[name].map((v) => el('option', { value: v }, `${t(`choice.${v}`)} (${v})`)));
  }
  if (name === 'duties' || name === 'note') return el('textarea', { name, rows: 2 });
  return el('input', { type: 'text', name, autocomplete: 'off' });
}

async function findEmployer(publicHex) {
  let after = '';
  for (let page = 0; page < 100; ++page) {
    const { body } = await getJson(`/v1/employers?limit=1000${after ? `&after=${after}` : ''}`);
    const found = body.employers.find((e) => e.status === 'active'
      && e.keys.some((k) => k.key === publicHex && k.revoked_from_height === 0));
    if (found || !body.next_after) return found ?? null;
    after = body.next_after;
  }
  return null;
}

function complianceTable(caption, headers, rows) {
  return el('table', {}, el('caption', {}, `${caption} (${rows.length})`),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: headers.length }, t('employer.none')))));
}

async function renderCompliance(section, employerId) {
  const { body } = await getJson(`/v1/employers/${employerId}/compliance`);
  const entryLink = (id) => el('a', { href: `#/entry/${id}`, class: 'mono' }, short(id, 8));
  section.replaceChildren(el('h3', {}, t('employer.compliance'), ` — ${t('employer.as_of')} ${body.as_of}`),
    complianceTable(t('employer.late'), [t('employer.entry_id'), t('entry.kind'), t('entry.effective_date'), t('employer.days_late')],
      body.late_entries.map((r) => el('tr', { class: 'late' }, el('td', {}, entryLink(r.id)), el('td', {}, t(`kind.${r.kind}`)),
        el('td', {}, r.effective_date), el('td', {}, r.days_late)))),
    complianceTable(t('employer.overdue'), [t('employer.entry_id'), t('entry.host'), t('entry.expected_end'), t('employer.days_overdue')],
      body.overdue_secondments.map((r) => el('tr', { class: 'overdue' }, el('td', {}, entryLink(r.id)), el('td', {}, r.host),
        el('td', {}, r.expected_end), el('td', {}, r.days_overdue)))),
    complianceTable(t('employer.mismatch'),
      [t('employer.as_of'), t('employer.declared'), t('employer.counted'), t('employer.difference')],
      body.headcount_mismatches.map((r) => el('tr', { class: 'mismatch' }, el('td', {}, r.as_of), el('td', {}, r.declared), el('td', {}, r.counted),
        el('td', {}, r.difference)))));
}

// Signs `tx` with `signers`, sends it and waits for its block; shows the
// outcome in `result` (a link to the entry, or the node's refusal).
async function sendTx(tx, signers, result) {
  const sodium = await loadSodium();
  const { body: status } = await getJson('/v1/status');
  const signed = signEntry(sodium, status.chain_id, tx, signers);
  await postJson('/v1/txs', { encoded: signed.encoded });
  const outcome = await waitForTx(signed.id);
  if (outcome.status !== 'committed') throw new ApiError(422, outcome.code ?? 'pending', outcome.message ?? outcome.status);
  result.className = 'result';
  result.replaceChildren(el('strong', {}, t('employer.committed')), ' ',
    el('a', { href: `#/entry/${signed.id}`, class: 'mono entry-id' }, signed.id),
    ` · ${t('employer.height')} ${outcome.location.height}`);
  return signed.id;
}

function showFailure(result, error) {
  result.className = 'result failed';
  result.textContent = `${t('employer.rejected')}: ${error.message} [${error.code ?? 'error'}]`;
}

// 在籍者数の届出 (spec/data-model.md §7): compliance compares it with the ledger.
function headcountForm(state, onCommitted) {
  const date = el('input', { type: 'date', value: new Date().toISOString().slice(0, 10) });
  const count = el('input', { type: 'number', min: 0, max: 4294967295, step: 1, inputmode: 'numeric' });
  const result = el('div', { id: 'headcount-result', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { id: 'headcount-form', novalidate: true }, el('h3', {}, t('employer.headcount')),
    el('div', { class: 'grid' }, field('hc-date', t('employer.headcount_date'), date),
      field('hc-count', t('employer.headcount_count'), count)),
    el('button', { type: 'submit', id: 'hc-submit' }, t('employer.headcount_send')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const recordedAt = Math.floor(Date.now() / 1000);
    const dateError = checkDate(date.value) ?? checkNotInFuture(date.value, recordedAt);
    const countOk = /^[0-9]+$/.test(count.value) && Number(count.value) <= 4294967295;
    form.querySelector('#hc-date-error').textContent = dateError ? `${t(dateError.code)} [${dateError.code}]` : '';
    form.querySelector('#hc-count-error').textContent = countOk ? '' : t('employer.count_bad');
    if (dateError || !countOk) return;
    try {
      const sodium = await loadSodium();
      const tx = { version: 1, kind: 'headcount', nonce: randomNonce(sodium), signatures: [],
        body: { employer: state.employer.id, as_of: date.value, active_employees: Number(count.value), recorded_at: String(recordedAt) } };
      await sendTx(tx, [state.key], result);
      await onCommitted();
    } catch (error) {
      showFailure(result, error);
    }
  });
  return form;
}

function entryForm(state, onCommitted) {
  const kind = el('select', { name: 'kind' }, EMPLOYER_KINDS.map((k) => el('option', { value: k }, `${t(`kind.${k}`)} (${k})`)));
  const today = new Date().toISOString().slice(0, 10);
  const controls = {
    subject: el('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' }),
    effective_date: el('input', { type: 'date', value: today }),
    reference: el('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' }),
    host_employer: el('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
    expected_end: el('input', { type: 'date' }),
    reason: el('select', {}, CORRECTION_REASONS.map((r, i) => el('option', { value: i + 1 }, `${t(`reason.${r}`)} (${r})`))),
  };
  const payload = Object.fromEntries(ALL_FIELDS.map((name) => [name, payloadControl(name)]));
  const wrap = (id, key, control) => field(`emp-${id}`, t(key), control);
  const rows = {
    reference: wrap('reference', 'employer.reference', controls.reference),
    host_employer: wrap('host_employer', 'employer.host', controls.host_employer),
    expected_end: wrap('expected_end', 'employer.expected_end', controls.expected_end),
    reason: wrap('reason', 'employer.reason', controls.reason),
  };
  const hostKey = keyForm('host', t('employer.host_key'), async (key) => { state.hostKey = key; });
  const fieldRows = Object.fromEntries(ALL_FIELDS.map((name) => [name, wrap(name, `field.${name}`, payload[name])]));
  const result = el('div', { id: 'emp-result', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { id: 'entry-form', novalidate: true }, el('h3', {}, t('employer.record')),
    el('div', { class: 'grid' }, wrap('kind', 'employer.kind', kind), wrap('subject', 'employer.subject', controls.subject),
      wrap('effective_date', 'employer.effective_date', controls.effective_date),
      rows.reference, rows.host_employer, rows.expected_end, rows.reason),
    el('fieldset', {}, el('legend', {}, t('employer.details')), el('div', { class: 'grid' }, Object.values(fieldRows))),
    el('button', { type: 'submit', id: 'emp-submit' }, t('employer.submit')), result);
  const show = () => {
    const k = kind.value;
    rows.reference.hidden = !['secondment_end', 'side_job_end', 'correction'].includes(k);
    rows.host_employer.hidden = !k.startsWith('secondment');
    rows.expected_end.hidden = k !== 'secondment_start';
    rows.reason.hidden = k !== 'correction';
    hostKey.hidden = !k.startsWith('secondment');
    for (const name of ALL_FIELDS) fieldRows[name].hidden = !KIND_FIELDS[k].includes(name);
  };
  kind.addEventListener('change', show);
  show();

  const showErrors = (errors) => {
    for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    for (const node of form.querySelectorAll('.field .error')) node.textContent = '';
    for (const { field: name, code } of errors) {
      const control = form.querySelector(`#emp-${name}`);
      const message = form.querySelector(`#emp-${name}-error`);
      if (control) control.setAttribute('aria-invalid', 'true');
      if (message) message.textContent = `${t(code)} [${code}]`;
    }
    if (errors.length) form.querySelector(`#emp-${errors[0].field}`)?.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const k = kind.value;
    const draft = {
      kind: k, employer: state.employer.id, subject: controls.subject.value.trim().toLowerCase(),
      effective_date: controls.effective_date.value, recorded_at: Math.floor(Date.now() / 1000),
      references: rows.reference.hidden ? [] : [controls.reference.value.trim().toLowerCase()],
      reference: rows.reference.hidden ? undefined : controls.reference.value.trim(),
      host_employer: rows.host_employer.hidden ? undefined : controls.host_employer.value.trim(),
      expected_end: rows.expected_end.hidden ? undefined : controls.expected_end.value,
      reason: rows.reason.hidden ? undefined : Number(controls.reason.value),
      payload: Object.fromEntries(KIND_FIELDS[k].map((name) => [name, payload[name].value]).filter(([, v]) => v !== '')),
    };
    const errors = checkEntryForm(draft);
    if (!/^[0-9a-f]{64}$/.test(draft.subject)) errors.unshift({ field: 'subject', code: 'subject.bad' });
    showErrors(errors);
    result.className = 'result failed';
    if (errors.length) {
      result.textContent = t('employer.invalid');
      return;
    }
    if (k.startsWith('secondment') && !state.hostKey) {
      result.textContent = t('employer.host_needed');
      return;
    }
    result.className = 'result';
    result.textContent = t('employer.sending');
    try {
      const sodium = await loadSodium();
      const subject = await getJson(`/v1/subjects/${draft.subject}`, { accept: [404] });
      if (subject.status === 404) throw new ApiError(404, 'validation.subject_not_enrolled', t('validation.subject_not_enrolled'));
      const tx = buildEntry(sodium, draft, {
        subjectKey: publicKeyFromHex(subject.body.subject.key), employerKey: state.key.publicKey,
        hostKey: state.hostKey?.publicKey,
      });
      await sendTx(tx, k.startsWith('secondment') ? [state.key, state.hostKey] : [state.key], result);
      // The details were for this entry; the next one starts blank (the subject stays).
      for (const control of Object.values(payload)) control.value = '';
      await onCommitted();
    } catch (error) {
      showFailure(result, error);
    }
  });
  return [form, hostKey];
}

export async function render(main) {
  const state = { key: null, employer: null, hostKey: null };
  const who = el('p', { id: 'employer-who', role: 'status' });
  const work = el('div', { id: 'employer-work' });
  const compliance = el('section', { id: 'compliance', 'aria-live': 'polite' });
  main.append(el('h2', {}, t('employer.title')), keyForm('employer', t('employer.key'), async (key) => {
    const employer = await findEmployer(key.publicHex);
    if (!employer) {
      who.textContent = t('employer.unknown_key');
      who.className = 'error';
      return;
    }
    Object.assign(state, { key, employer });
    who.className = 'ok';
    who.textContent = `${t('employer.as')}: ${employer.name} (${employer.id})`;
    const refresh = () => renderCompliance(compliance, employer.id);
    work.replaceChildren(...entryForm(state, refresh), headcountForm(state, refresh),
      el('button', { type: 'button', class: 'secondary', id: 'compliance-refresh', onclick: refresh }, t('employer.refresh')),
      compliance);
    await refresh();
  }), who, work);
}
