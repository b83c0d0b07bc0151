// Candidate journey: open one's own key file, fetch the history the ledger
// holds about one's subject id, check and decrypt every entry in this page
// (id, signatures by an active key of the right employer, commitment), see it
// as a timeline, contest an entry with a dispute signed by one's key, and
// build a disclosure bundle for a matcher (candidate_bundle.js).
import { getJson, postJson, waitForTx } from './api.js';
import { el, field, short } from './dom.js';
import { addText, hasText, t } from './i18n.js';
import { bundleForm } from './candidate_bundle.js';
import { buildEntry, publicKeyFromHex, signEntry } from './entry_builder.js';
import { keyForm } from './key_loader.js';
import { openPayload, txId, verifyTxSignature } from './ledger_crypto.js';
import { DISPUTE_REASONS, checkEntryForm } from './rules.js';
import { loadSodium } from './sodium.js';
import { buildTimeline } from './timeline.js';
import { timelineView } from './timeline_view.js';

addText({
  'candidate.title': '本人（キャリア履歴）', 'candidate.key': 'あなたの鍵ファイル', 'candidate.subject': '対象者ID（鍵ファイルの .subject に記載）',
  'candidate.wrong_subject': 'この鍵はその対象者IDの現在の鍵ではありません', 'candidate.not_enrolled': 'その対象者は登録されていません',
  'candidate.entries': '記録の一覧', 'candidate.dispute': '異議を申し立てる', 'candidate.dispute_reason': '異議の理由',
  'candidate.dispute_note': '説明（事業主と本人だけが読めます）', 'candidate.dispute_send': '署名して異議を送信',
  'candidate.disputed': '異議を申し立てました', 'candidate.checks_failed': '検証に失敗した記録があります',
  'candidate.all_ok': 'すべての記録の署名・ID・内容を検証しました', 'candidate.details': '内容',
  'dispute.inaccurate': '内容の誤り', 'dispute.never_happened': '事実なし', 'dispute.wrong_dates': '日付の誤り', 'dispute.other': 'その他',
  'timeline.title': 'キャリアのタイムライン', 'timeline.employment': '在籍', 'timeline.secondment': '出向', 'timeline.side_job': '兼業・副業',
  'timeline.gap': '空白期間', 'timeline.gaps': '空白期間', 'timeline.days': '日', 'timeline.now': '現在', 'timeline.disputed': '異議あり',
  'tag.superseded': '訂正済み', 'tag.disputed': '異議あり', 'tag.failed': '検証失敗',
}, {
  'candidate.title': 'Candidate (career history)', 'candidate.key': 'Your key file', 'candidate.subject': 'Subject id (in the key file\'s .subject)',
  'candidate.wrong_subject': 'this key is not the current key of that subject', 'candidate.not_enrolled': 'that subject is not enrolled',
  'candidate.entries': 'Entries', 'candidate.dispute': 'Dispute', 'candidate.dispute_reason': 'Reason',
  'candidate.dispute_note': 'Statement (readable by you and the employer only)', 'candidate.dispute_send': 'Sign and send the dispute',
  'candidate.disputed': 'Dispute recorded', 'candidate.checks_failed': 'some entries failed a check',
  'candidate.all_ok': 'every entry\'s signatures, id and content were checked', 'candidate.details': 'Details',
  'dispute.inaccurate': 'inaccurate', 'dispute.never_happened': 'never happened', 'dispute.wrong_dates': 'wrong dates', 'dispute.other': 'other',
  'timeline.title': 'Career timeline', 'timeline.employment': 'Employed', 'timeline.secondment': 'Secondment', 'timeline.side_job': 'Side job',
  'timeline.gap': 'Gap', 'timeline.gaps': 'Gaps', 'timeline.days': ' days', 'timeline.now': 'now', 'timeline.disputed': 'disputed',
  'tag.superseded': 'superseded', 'tag.disputed': 'disputed', 'tag.failed': 'check failed',
});

// Employer records by 法人番号, fetched once per history.
async function employerRecords(ids) {
  const out = {};
  await Promise.all([...ids].map(async (id) => {
    const { status, body } = await getJson(`/v1/employers/${id}`, { accept: [404] });
    if (status === 200) out[id] = body.employer;
  }));
  return out;
}

const activeAt = (record, key, height) => record?.keys.some((k) => k.key === key && k.added_height <= height
  && (k.revoked_from_height === 0 || height < k.revoked_from_height));

// Every check the CLI's `history` makes, per entry; returns the decrypted view,
// with `failed` (why) when a check fails (tests/portal/history_checks.test.mjs).
export function checkEntry(sodium, chainId, item, employers, subjectKeyHex, key) {
  const { tx, id, location } = item;
  const b = tx.body;
  const view = { id, kind: tx.kind, employer: b.employer, host_employer: b.host_employer, effective_date: b.effective_date,
    expected_end: b.expected_end, references: b.references, reason: b.reason, height: location.height, fields: {} };
  if (txId(sodium, chainId, tx) !== id) return { ...view, failed: 'the id does not match the transaction' };
  for (const s of tx.signatures) {
    if (!verifyTxSignature(sodium, chainId, tx, s)) return { ...view, failed: `bad signature by ${short(s.signer)}` };
  }
  const signedBy = (corp) => tx.signatures.some((s) => activeAt(employers[corp], s.signer, location.height));
  if (tx.kind === 'dispute') {
    if (!tx.signatures.some((s) => s.signer === subjectKeyHex)) return { ...view, failed: 'not signed by the subject' };
  } else if (!signedBy(b.employer) || (b.host_employer && !signedBy(b.host_employer))) {
    return { ...view, failed: 'not signed by an active key of the employer' };
  }
  try {
    view.fields = openPayload(sodium, tx, key).fields;
  } catch (error) {
    return { ...view, failed: `${error.message} [${error.code}]` };
  }
  return view;
}

function disputeForm(state, entry, done) {
  const reason = el('select', {}, DISPUTE_REASONS.map((r, i) => el('option', { value: i + 1 }, `${t(`dispute.${r}`)} (${r})`)));
  const note = el('textarea', { rows: 2 });
  const result = el('p', { role: 'status', class: 'dispute-result' });
  const form = el('form', { class: 'dispute-form', 'data-for': entry.id },
    field(`dispute-reason-${entry.id.slice(0, 8)}`, t('candidate.dispute_reason'), reason),
    field(`dispute-note-${entry.id.slice(0, 8)}`, t('candidate.dispute_note'), note),
    el('button', { type: 'submit' }, t('candidate.dispute_send')), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const draft = { kind: 'dispute', employer: entry.employer, subject: state.subject,
      effective_date: new Date().toISOString().slice(0, 10), recorded_at: Math.floor(Date.now() / 1000),
      references: [entry.id], reference: entry.id, reason: Number(reason.value), payload: note.value ? { note: note.value } : {} };
    const errors = checkEntryForm(draft);
    if (errors.length) {
      result.textContent = errors.map((e) => e.code).join(', ');
      return;
    }
    try {
      const sodium = await loadSodium();
      const employerKey = state.employers[entry.employer].keys.find((k) => k.revoked_from_height === 0);
      const tx = buildEntry(sodium, draft, { subjectKey: state.key.publicKey, employerKey: publicKeyFromHex(employerKey.key) });
      const signed = signEntry(sodium, state.chainId, tx, [state.key]);
      await postJson('/v1/txs', { encoded: signed.encoded });
      const outcome = await waitForTx(signed.id);
      if (outcome.status !== 'committed') throw Object.assign(new Error(outcome.message ?? outcome.status), { code: outcome.code });
      result.textContent = t('candidate.disputed');
      await done();
    } catch (error) {
      result.className = 'error';
      result.textContent = `${error.message} [${error.code ?? 'error'}]`;
    }
  });
  return form;
}

function entryRow(state, entry, flags, reload) {
  const tags = [flags?.superseded ? el('span', { class: 'tag superseded' }, t('tag.superseded')) : null,
    flags?.disputed ? el('span', { class: 'tag disputed' }, t('tag.disputed')) : null,
    entry.failed ? el('span', { class: 'tag failed' }, t('tag.failed')) : null];
  const details = entry.failed ? el('span', { class: 'error' }, entry.failed)
    : el('dl', { class: 'fields' }, Object.entries(entry.fields).map(([k, v]) =>
      [el('dt', {}, t(`field.${k}`)), el('dd', {}, hasText(`choice.${v}`) ? `${t(`choice.${v}`)} (${v})` : v)]));
  const row = el('li', { class: 'entry', 'data-entry': entry.id, 'data-kind': entry.kind },
    el('strong', {}, `${entry.effective_date} ${t(`kind.${entry.kind}`)}`), tags,
    el('div', {}, state.employers[entry.employer]?.name ?? entry.employer,
      entry.host_employer ? ` → ${state.employers[entry.host_employer]?.name ?? entry.host_employer}` : ''),
    details, el('a', { href: `#/entry/${entry.id}`, class: 'mono' }, short(entry.id, 10)));
  if (entry.kind !== 'dispute' && !entry.failed) {
    const button = el('button', { type: 'button', class: 'secondary dispute-open', 'aria-expanded': 'false' }, t('candidate.dispute'));
    button.addEventListener('click', () => {
      const open = row.querySelector('.dispute-form');
      if (open) {
        open.remove();
        button.setAttribute('aria-expanded', 'false');
        return;
      }
      button.setAttribute('aria-expanded', 'true');
      row.append(disputeForm(state, entry, reload));
      row.querySelector('select')?.focus();
    });
    row.append(' ', button);
  }
  return row;
}

async function showHistory(state, out) {
  const sodium = await loadSodium();
  const { body } = await getJson(`/v1/subjects/${state.subject}/history`);
  const flags = Object.fromEntries(body.subject.entries.map((e) => [e.id, e]));
  const ids = new Set(body.entries.flatMap((item) => [item.tx.body.employer, item.tx.body.host_employer].filter(Boolean)));
  state.employers = await employerRecords(ids);
  const checked = body.entries.map((item) => checkEntry(sodium, state.chainId, item, state.employers, body.subject.key, state.key));
  const names = Object.fromEntries(Object.entries(state.employers).map(([id, e]) => [id, e.name]));
  const model = buildTimeline(checked, new Date().toISOString().slice(0, 10), names);
  const failed = checked.filter((e) => e.failed).length;
  const reload = () => showHistory(state, out);
  out.replaceChildren(
    el('h3', {}, t('timeline.title')), timelineView(model),
    el('p', { id: 'history-checks', class: failed ? 'error' : 'ok' }, failed ? `${t('candidate.checks_failed')} (${failed})` : t('candidate.all_ok')),
    el('h3', {}, t('candidate.entries')),
    el('ol', { class: 'entries', id: 'history-entries' }, [...checked].reverse().map((e) => entryRow(state, e, flags[e.id], reload))),
    bundleForm(state, checked, names));
}

export async function render(main) {
  const subject = el('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' });
  const who = el('p', { id: 'candidate-who', role: 'status' });
  const out = el('section', { id: 'history', 'aria-live': 'polite' });
  const form = keyForm('candidate', t('candidate.key'), async (key) => {
    const id = subject.value.trim().toLowerCase();
    const { status, body } = await getJson(`/v1/subjects/${id}`, { accept: [400, 404] });
    if (status !== 200) {
      who.className = 'error';
      who.textContent = t('candidate.not_enrolled');
      return;
    }
    if (body.subject.key !== key.publicHex) {
      who.className = 'error';
      who.textContent = t('candidate.wrong_subject');
      return;
    }
    who.className = 'ok';
    who.textContent = `${t('entry.subject')}: ${short(id, 12)}`;
    const { body: st } = await getJson('/v1/status');
    await showHistory({ key, subject: id, chainId: st.chain_id, employers: {} }, out);
  });
  form.insertBefore(field('candidate-subject', t('candidate.subject'), subject), form.querySelector('.field'));
  main.append(el('h2', {}, t('candidate.title')), form, who, out);
}
