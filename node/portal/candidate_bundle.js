// The candidate's disclosure bundle (spec/bundle.md), built in the page: the
// worker chooses entries or a period, the matcher (audience), the expiry and
// which payload fields to open (as `bundle create --disclose/--withhold`: the
// non-sensitive ones are ticked, the sensitive ones not, and the choice applies
// to every entry of the bundle; with chosen entries, each entry's own boxes can
// open or withhold its fields one entry at a time); the page fetches the proofs (bundle_fetch.js),
// opens each payload with the key, signs with it (the key never leaves the
// page), verifies the result with the matcher's checks (bundle_verify.js, so
// the node never sees the opened fields) and offers bundle.json for download.
import { el, field, setChildren } from './dom.js';
import { addText, currentLang, hasText, t } from './i18n.js';
import { DEFAULT_DISCLOSURE, MAX_EXPIRY_DAYS, assembleBundle, fieldOpenings } from './bundle_codec.js';
import { fetchBundleMaterial } from './bundle_fetch.js';
import { checkDetail, verifyBundle } from './bundle_verify.js';
import { PAYLOAD_FIELDS, SENSITIVE_FIELDS } from './codec.js';
import { openPayload } from './ledger_crypto.js';
import { loadSodium } from './sodium.js';

addText({
  'bundle.title': '開示バンドルを作る', 'bundle.intro': '採用担当者に渡す検証可能な経歴ファイルです。鍵で署名し、このページの中で作ります。',
  'bundle.choice': '含める記録', 'bundle.by_entries': '記録を選ぶ', 'bundle.by_period': '期間のすべての記録（漏れがないことの証明付き）',
  'bundle.from': '期間の開始', 'bundle.to': '期間の終了', 'bundle.audience': '採用担当者の公開鍵（16進64桁）',
  'bundle.audience_hint': '相手だけが検証に使えます', 'bundle.expiry': '有効期間（日）', 'bundle.disclose': '開示する項目（チェックを外すと非開示。採用担当者には項目があることだけが見えます）',
  'bundle.sensitive': '機微',
  'bundle.create': '署名してバンドルを作成', 'bundle.working': '証明を取得して署名しています…',
  'bundle.ready': 'バンドルを作成し、検証しました', 'bundle.download': 'bundle.json をダウンロード',
  'bundle.bad_audience': '公開鍵は16進64桁です', 'bundle.bad_period': '開始日は終了日以前の日付にしてください',
  'bundle.no_entry': '記録を1件以上選んでください', 'bundle.bad_expiry': `1〜${MAX_EXPIRY_DAYS}日で指定してください`,
  'bundle.refused': 'バンドルの検証に失敗したため作成しませんでした', 'bundle.notice': '注意',
  'bundle.summary': '件の記録', 'bundle.withheld': '非開示', 'bundle.entry_fields': 'この記録で開示する項目',
  // The refusals of bundle_fetch.js by code; in English the error's own message is shown.
  'bundle_error.node.bad_response': 'ノードの応答が不正なため作成しませんでした',
  'bundle_error.bundle.too_many_transitions': 'バリデータ構成の変更が多すぎるため、1つのバンドルに含められません',
  'bundle_error.validation.subject_not_enrolled': 'この本人は台帳に登録されていません',
  'bundle_error.bundle.empty_period': 'その期間に有効な記録がありません',
  'bundle_error.bundle.no_entries': '記録を1件以上含めてください',
  'bundle_error.bundle.busy': '証明の取得中にノードが新しいブロックを確定しました。もう一度お試しください',
}, {
  'bundle.title': 'Build a disclosure bundle', 'bundle.intro': 'A verifiable career file for one matcher, signed with your key and made in this page.',
  'bundle.choice': 'Entries to include', 'bundle.by_entries': 'Choose entries', 'bundle.by_period': 'Every entry of a period (with a proof that none is left out)',
  'bundle.from': 'Period from', 'bundle.to': 'Period to', 'bundle.audience': 'The matcher\'s public key (64 hex digits)',
  'bundle.audience_hint': 'only this matcher can use it', 'bundle.expiry': 'Valid for (days)', 'bundle.disclose': 'Fields to open (untick to withhold: the matcher sees only that the field is there)',
  'bundle.sensitive': 'sensitive',
  'bundle.create': 'Sign and build the bundle', 'bundle.working': 'Fetching the proofs and signing…',
  'bundle.ready': 'Bundle built and verified', 'bundle.download': 'Download bundle.json',
  'bundle.bad_audience': 'a public key is 64 hex digits', 'bundle.bad_period': 'the start must not be after the end',
  'bundle.no_entry': 'choose at least one entry', 'bundle.bad_expiry': `between 1 and ${MAX_EXPIRY_DAYS} days`,
  'bundle.refused': 'the bundle failed its own verification and was not built', 'bundle.notice': 'Note',
  'bundle.summary': ' entries', 'bundle.withheld': 'withheld', 'bundle.entry_fields': 'Fields to open in this entry',
});

// The checks a worker may knowingly fail: showing a corrected or disputed entry (spec/bundle.md §6).
const NOTICE_ONLY = new Set(['not_superseded', 'not_disputed']);

function setError(form, id, text) {
  const control = form.querySelector(`#${id}`);
  control.setAttribute('aria-invalid', text ? 'true' : 'false');
  form.querySelector(`#${id}-error`).textContent = text ?? '';
  return text ? 1 : 0;
}

// What the form asks for, or null (with the errors shown at their fields).
function readChoices(form, entryIds) {
  const byPeriod = form.querySelector('#bundle-by-period').checked;
  const audience = form.querySelector('#bundle-audience').value.trim().toLowerCase();
  const days = Number(form.querySelector('#bundle-expiry').value);
  const from = form.querySelector('#bundle-from').value;
  const to = form.querySelector('#bundle-to').value;
  const ids = entryIds.filter((id) => form.querySelector(`#bundle-entry-${id.slice(0, 12)}`).checked);
  let errors = setError(form, 'bundle-audience', /^[0-9a-f]{64}$/.test(audience) ? null : t('bundle.bad_audience'));
  errors += setError(form, 'bundle-expiry', Number.isInteger(days) && days >= 1 && days <= MAX_EXPIRY_DAYS ? null : t('bundle.bad_expiry'));
  errors += setError(form, 'bundle-from', byPeriod && !(from && to && from <= to) ? t('bundle.bad_period') : null);
  form.querySelector('#bundle-entries-error').textContent = !byPeriod && ids.length === 0 ? t('bundle.no_entry') : '';
  if (!byPeriod && ids.length === 0) errors += 1;
  if (errors) return null;
  const disclose = Object.keys(PAYLOAD_FIELDS).filter((name) => form.querySelector(`#bundle-disclose-${name}`).checked);
  // Chosen entries: each one's own boxes (which start as, and follow, the boxes for all entries).
  const perEntry = byPeriod ? {} : Object.fromEntries(ids.map((id) => [id,
    [...form.querySelectorAll(`#bundle-fields-${id.slice(0, 12)} input[data-field]`)].filter((box) => box.checked).map((box) => box.dataset.field)]));
  return { audience, days, disclose, perEntry, choice: byPeriod ? { period: { from, to } } : { ids } };
}

async function build(state, choices) {
  const sodium = await loadSodium();
  const material = await fetchBundleMaterial(sodium, state.subject, choices.choice);
  const openings = material.entries.map((e) => fieldOpenings(sodium, openPayload(sodium, e.json, state.key),
    choices.perEntry[e.id] ?? choices.disclose));
  const createdAt = Math.floor(Date.now() / 1000);
  const bundle = assembleBundle(sodium, material, {
    audience: choices.audience, createdAt, expiresAt: createdAt + choices.days * 86400, period: choices.choice.period, openings,
  }, state.key);
  const report = verifyBundle(sodium, bundle, material.genesis, { now: createdAt, matcher: choices.audience });
  return { bundle, checks: report.checks };
}

function offerDownload(out, bundle, checks) {
  const failed = checks.filter((c) => !c.passed);
  const blocking = failed.filter((c) => !NOTICE_ONLY.has(c.name));
  if (blocking.length) {
    out.replaceChildren(el('p', { class: 'error', id: 'bundle-result' }, t('bundle.refused')),
      el('ul', { class: 'checks' }, blocking.map((c) => el('li', { class: 'fail' }, `${c.name}: ${checkDetail(c, currentLang())}`))));
    return;
  }
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: 'application/json' }));
  const opened = bundle.entries.reduce((n, e) => n + e.fields.filter((f) => 'field' in f).length, 0);
  const withheld = bundle.entries.reduce((n, e) => n + e.fields.filter((f) => 'leaf' in f).length, 0);
  setChildren(out,
    el('p', { class: 'ok', id: 'bundle-result' }, `${t('bundle.ready')}: ${bundle.entries.length}${t('bundle.summary')}, `
      + `${opened} / ${t('bundle.withheld')} ${withheld}`),
    failed.length ? el('ul', { class: 'checks' }, failed.map((c) => el('li', { class: 'fail' }, `${t('bundle.notice')}: ${checkDetail(c, currentLang())}`))) : null,
    el('a', { href: url, download: 'bundle.json', id: 'bundle-download', class: 'button' }, t('bundle.download')));
}

// An entry's own field boxes (the fields its payload has), ticked as the default disclosure.
function entryFieldBoxes(e) {
  const prefix = `bundle-field-${e.id.slice(0, 12)}`;
  const names = Object.keys(e.fields ?? {}).filter((name) => name in PAYLOAD_FIELDS).sort((a, b) => PAYLOAD_FIELDS[a] - PAYLOAD_FIELDS[b]);
  if (names.length === 0) return null;
  return el('details', { class: 'entry-fields', id: `bundle-fields-${e.id.slice(0, 12)}` }, el('summary', {}, t('bundle.entry_fields')),
    names.map((name) => el('label', { for: `${prefix}-${name}`, class: 'inline' },
      el('input', { type: 'checkbox', id: `${prefix}-${name}`, 'data-field': name, checked: DEFAULT_DISCLOSURE.includes(name) }),
      ' ', SENSITIVE_FIELDS.has(name) ? `${t(`field.${name}`)} (${t('bundle.sensitive')})` : t(`field.${name}`))));
}

// `entries`: the checked, decrypted entries of the history page; `names`: employer names.
export function bundleForm(state, entries, names) {
  const career = entries.filter((e) => e.kind !== 'dispute' && !e.failed);
  const radio = (id, checked) => el('input', { type: 'radio', name: 'bundle-choice', id, checked });
  const labelled = (control, text) => el('label', { for: control.id, class: 'inline' }, control, ' ', text);
  const byEntries = radio('bundle-by-entries', true);
  const byPeriod = radio('bundle-by-period', false);
  const entryBoxes = el('fieldset', { id: 'bundle-entries', 'aria-describedby': 'bundle-entries-error' },
    el('legend', {}, t('bundle.by_entries')),
    career.map((e) => el('div', {}, labelled(el('input', { type: 'checkbox', id: `bundle-entry-${e.id.slice(0, 12)}`, value: e.id }),
      `${e.effective_date} ${t(`kind.${e.kind}`)} · ${names[e.employer] ?? e.employer}`), entryFieldBoxes(e))),
    el('span', { class: 'error', id: 'bundle-entries-error', role: 'alert' }));
  const periodFields = el('div', { class: 'grid', id: 'bundle-period', hidden: true },
    field('bundle-from', t('bundle.from'), el('input', { type: 'date' })),
    field('bundle-to', t('bundle.to'), el('input', { type: 'date' })));
  const showChoice = () => {
    entryBoxes.hidden = byPeriod.checked;
    periodFields.hidden = !byPeriod.checked;
  };
  byEntries.addEventListener('change', showChoice);
  byPeriod.addEventListener('change', showChoice);
  const out = el('div', { id: 'bundle-out', 'aria-live': 'polite' });
  // A box for all entries sets the same field's box in every entry.
  const followAll = (event) => {
    const name = event.target.id.slice('bundle-disclose-'.length);
    for (const box of entryBoxes.querySelectorAll(`input[data-field="${name}"]`)) box.checked = event.target.checked;
  };
  const status = el('p', { id: 'bundle-status', role: 'status' });
  const form = el('form', { id: 'bundle-form', novalidate: true }, el('h3', {}, t('bundle.title')), el('p', { class: 'note' }, t('bundle.intro')),
    el('fieldset', {}, el('legend', {}, t('bundle.choice')), labelled(byEntries, t('bundle.by_entries')), el('br'),
      labelled(byPeriod, t('bundle.by_period'))),
    entryBoxes, periodFields,
    el('div', { class: 'grid' },
      field('bundle-audience', t('bundle.audience'), el('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' }),
        t('bundle.audience_hint')),
      field('bundle-expiry', t('bundle.expiry'), el('input', { type: 'number', min: 1, max: MAX_EXPIRY_DAYS, value: 30 }))),
    el('fieldset', { id: 'bundle-disclose' }, el('legend', {}, t('bundle.disclose')),
      Object.keys(PAYLOAD_FIELDS).map((name) => labelled(
        el('input', { type: 'checkbox', id: `bundle-disclose-${name}`, checked: DEFAULT_DISCLOSURE.includes(name), onchange: followAll }),
        SENSITIVE_FIELDS.has(name) ? `${t(`field.${name}`)} (${t('bundle.sensitive')})` : t(`field.${name}`)))),
    el('button', { type: 'submit' }, t('bundle.create')), status, out);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choices = readChoices(form, career.map((e) => e.id));
    if (!choices) return;
    status.className = '';
    status.textContent = t('bundle.working');
    out.replaceChildren();
    try {
      const { bundle, checks } = await build(state, choices);
      status.textContent = '';
      offerDownload(out, bundle, checks);
    } catch (error) {
      status.className = 'error';
      const ja = currentLang() === 'ja' && error.code && hasText(`bundle_error.${error.code}`);
      status.textContent = `${ja ? t(`bundle_error.${error.code}`) : error.message} [${error.code ?? 'error'}]`;
    }
  });
  return form;
}
