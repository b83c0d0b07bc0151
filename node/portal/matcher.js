// Matcher journey: drop (or choose) a bundle file and check it in this page,
// offline, against the genesis the node served when the page opened, or a
// genesis file the matcher trusts and loads here: every check of
// spec/bundle.md §6 (bundle_verify.js) shown passed or failed and why, with
// the disclosed career as a timeline. Then one online check, freshness, asks
// the node for its block at the anchor height and the subject's current record
// (its state proof checked here); the node never sees the bundle's opened
// fields. With the matcher's key file opened, an access receipt is signed in
// the page and recorded at the node (receipt.js), as `jobcard verify --node
// --matcher-key` does, and offered for download.
import { getJson, postJson } from './api.js';
import { el, field, setChildren, short } from './dom.js';
import { addText, currentLang, hasText, t } from './i18n.js';
import { fromHex } from './bytes.js';
import { checkDetail, checkFreshness, verifyBundle } from './bundle_verify.js';
import { keyForm } from './key_loader.js';
import { DEFAULT_RECEIPT_PURPOSE, makeReceipt, purposeProblem } from './receipt.js';
import { genesisHash, smtInclusionProblem, subjectStateKey, subjectStateValue } from './chain_proofs.js';
import { decodeSmtProof, decodeSubject } from './ledger_decode.js';
import { loadSodium } from './sodium.js';
import { buildTimeline } from './timeline.js';
import { timelineView } from './timeline_view.js';

const MAX_BUNDLE_BYTES = 1024 * 1024;

const CHECK_NAMES = {
  format: ['形式', 'Format'], chain: ['チェーン（ジェネシス）', 'Chain (genesis)'], header_chain: ['ブロックの確定証明', 'Block certificate'],
  subject_state: ['本人の記録（状態証明）', 'Subject record (state proof)'], employer_state: ['事業主の記録（状態証明）', 'Employer records (state proofs)'],
  inclusion: ['記録ログへの包含', 'In the entry log'], subject_entries: ['本人の記録であること', 'Entries of this subject'],
  employer_signatures: ['事業主の署名', 'Employer signatures'], key_active: ['署名鍵の有効性', 'Signing keys active'],
  completeness: ['期間の網羅性', 'Completeness of the period'], not_superseded: ['訂正されていない', 'Not corrected'],
  not_disputed: ['異議がない', 'Not disputed'], disclosed_fields: ['開示項目とコミットメント', 'Disclosed fields match'],
  audience: ['宛先', 'Addressed to this matcher'], expiry: ['有効期限', 'Not expired'], subject_signature: ['本人の署名', 'Subject\'s signature'],
  freshness: ['最新性（ノードに照会）', 'Freshness (asks the node)'],
};
const ja = {};
const en = {};
for (const [name, [jaText, enText]] of Object.entries(CHECK_NAMES)) {
  ja[`check.${name}`] = jaText;
  en[`check.${name}`] = enText;
}
addText({
  ...ja, 'nav.matcher': '採用担当', 'matcher.title': '採用担当（経歴の検証）',
  'matcher.intro': 'バンドルはこのページの中で、ノードが配布するジェネシス（またはあなたが選んだジェネシスファイル）に対して検証されます。ノードに送られるのは最新性の照会（対象者IDとブロック高）と、鍵ファイルを開いたときのアクセス受領記録だけです。',
  'matcher.genesis': '検証に使うジェネシス', 'matcher.key': 'あなた（採用担当者）の公開鍵（16進64桁）', 'matcher.file': 'バンドルファイル（bundle.json）',
  'matcher.drop': 'ここにバンドルファイルをドロップ', 'matcher.verify': '検証する', 'matcher.valid': 'すべての検査に合格しました',
  'matcher.invalid': '不合格の検査があります', 'matcher.checks': '検査', 'matcher.entries': '開示された記録', 'matcher.offline': 'ページ内',
  'matcher.online': 'ノード', 'matcher.not_json': '1 MiB以下のJSONファイルではありません', 'matcher.withheld': '件は非開示', 'matcher.none': 'ファイルを選んでください',
  'matcher.period': '網羅を主張する期間',
  'matcher.untrusted': '不合格の検査があるため、以下の内容は証明されていません',
  'matcher.genesis_file': '信頼するジェネシスファイル（genesis.json、任意）', 'matcher.genesis_hint': '選ぶとノードが配布するものの代わりに使います',
  'matcher.genesis_node': 'ノードが配布', 'matcher.genesis_bad': 'ジェネシスファイルとして読めません', 'matcher.genesis_none': 'ノードのジェネシスを取得できません。ジェネシスファイルを選んでください',
  'matcher.key_legend': '受領記録に署名する鍵ファイル（任意）', 'matcher.purpose': '照会の目的（受領記録に記載）',
  'matcher.receipt_done': 'アクセス受領記録をノードに記録しました', 'matcher.receipt_failed': 'アクセス受領記録を記録できませんでした',
  'matcher.receipt_download': 'receipt.json をダウンロード', 'matcher.receipt_none': '鍵ファイルを開くと、最新性の照会時にアクセス受領記録を残します',
  'matcher.receipt_other_key': '入力された公開鍵が開いた鍵ファイルのものではないため、アクセス受領記録は残しません',
  'receipt.bad_purpose': '目的は制御文字を含まない1〜256バイトの文字列です',
}, {
  ...en, 'nav.matcher': 'Matcher', 'matcher.title': 'Matcher (verify a career)',
  'matcher.intro': 'The bundle is verified in this page against the genesis the node serves, or a genesis file you choose. Only the freshness query (subject id and block height) goes to the node, and the access receipt when you open your key file.',
  'matcher.genesis': 'Genesis used', 'matcher.key': 'Your (the matcher\'s) public key (64 hex digits)', 'matcher.file': 'Bundle file (bundle.json)',
  'matcher.drop': 'Drop a bundle file here', 'matcher.verify': 'Verify', 'matcher.valid': 'every check passed',
  'matcher.invalid': 'some checks failed', 'matcher.checks': 'Checks', 'matcher.entries': 'Disclosed entries', 'matcher.offline': 'in the page',
  'matcher.online': 'node', 'matcher.not_json': 'not a JSON file of at most 1 MiB', 'matcher.withheld': ' withheld', 'matcher.none': 'choose a file',
  'matcher.period': 'Period claimed complete',
  'matcher.untrusted': 'some checks failed: what follows is not proven',
  'matcher.genesis_file': 'A genesis file you trust (genesis.json, optional)', 'matcher.genesis_hint': 'used instead of the one the node serves',
  'matcher.genesis_node': 'served by the node', 'matcher.genesis_bad': 'not a readable genesis file', 'matcher.genesis_none': 'the node\'s genesis could not be fetched: choose a genesis file',
  'matcher.key_legend': 'Key file to sign an access receipt (optional)', 'matcher.purpose': 'Purpose of the check (for the receipt)',
  'matcher.receipt_done': 'access receipt recorded at the node', 'matcher.receipt_failed': 'the access receipt could not be recorded',
  'matcher.receipt_download': 'Download receipt.json', 'matcher.receipt_none': 'open your key file to leave an access receipt when the node is asked',
  'matcher.receipt_other_key': 'no access receipt: the public key typed is not the opened key file\'s',
  'receipt.bad_purpose': 'the purpose is 1 to 256 bytes of text without control characters',
});

// The node's view for freshness, its subject record checked against its own state root.
async function nodeView(sodium, b) {
  const { body: block } = await getJson(`/v1/blocks/${b.anchor.height}`);
  const { body } = await getJson(`/v1/subjects/${b.doc.subject}`);
  const recordBytes = fromHex(body.subject.encoded);
  const why = smtInclusionProblem(sodium, body.tip.state_root, subjectStateKey(sodium, b.doc.subject), subjectStateValue(sodium, recordBytes),
    decodeSmtProof(fromHex(body.proof.encoded)));
  if (why) throw new Error(`the node's subject record does not match its state root: ${why}`);
  return { blockHashAtAnchor: block.header.hash, height: body.tip.height, current: decodeSubject(recordBytes) };
}

function checkRow(c, where) {
  return el('li', { 'data-check': c.name, 'data-passed': String(c.passed) },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, c.passed ? '✓' : '✗'),
    el('span', {}, hasText(`check.${c.name}`) ? t(`check.${c.name}`) : c.name, el('br'), el('span', { class: 'where' }, `${c.name} · ${where}`)),
    el('span', {}, el('span', { class: 'sr-only' }, c.passed ? 'OK: ' : 'NG: '), checkDetail(c, currentLang())));
}

function disclosed(b, shown, names) {
  const entries = shown.map((s) => ({
    id: s.id, kind: s.tx.kind, employer: s.tx.body.employer, host_employer: s.tx.body.host_employer, effective_date: s.tx.body.effective_date,
    expected_end: s.tx.body.expected_end, references: s.tx.body.references, reason: s.tx.body.reason, height: s.ref?.height,
    disputed: s.ref?.disputed, fields: Object.fromEntries(s.json.fields.filter((f) => 'field' in f).map((f) => [f.field, f.value])),
    withheld: s.json.fields.filter((f) => 'leaf' in f).length,
  })).sort((x, y) => (x.effective_date < y.effective_date ? -1 : 1));
  const model = buildTimeline(entries, new Date().toISOString().slice(0, 10), names);
  return [timelineView(model), el('h3', {}, t('matcher.entries')),
    el('ol', { class: 'entries', id: 'matcher-entries' }, entries.map((e) => el('li', { class: 'entry', 'data-entry': e.id },
      el('strong', {}, `${e.effective_date} ${t(`kind.${e.kind}`)}`),
      el('div', {}, names[e.employer] ?? e.employer, e.host_employer ? ` → ${names[e.host_employer] ?? e.host_employer}` : ''),
      el('dl', { class: 'fields' }, Object.entries(e.fields).map(([k, v]) =>
        [el('dt', {}, t(`field.${k}`)), el('dd', {}, hasText(`choice.${v}`) ? `${t(`choice.${v}`)} (${v})` : v)])),
      e.withheld ? el('small', { class: 'note' }, `${e.withheld}${t('matcher.withheld')}`) : null)))];
}

// Signs and records the access receipt; shows the outcome and a download link.
async function recordReceipt(sodium, b, signer, purpose, valid, receiptOut) {
  try {
    const receipt = makeReceipt(sodium, b.doc, signer, { purpose, valid, time: Math.floor(Date.now() / 1000) });
    await postJson('/v1/receipts', receipt);
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(receipt, null, 2)}\n`], { type: 'application/json' }));
    receiptOut.replaceChildren(el('p', { class: 'ok', id: 'matcher-receipt-status' }, `${t('matcher.receipt_done')} (${short(receipt.bundle_hash, 16)})`),
      el('a', { href: url, download: 'receipt.json', id: 'matcher-receipt-download', class: 'button' }, t('matcher.receipt_download')));
  } catch (error) {
    receiptOut.replaceChildren(el('p', { class: 'error', id: 'matcher-receipt-status' },
      `${t('matcher.receipt_failed')}: ${error.message} [${error.code ?? 'error'}]`));
  }
}

// `receipt`: {signer, purpose} when the matcher's key file is open and is the key typed, else
// {note}: why no receipt is signed.
async function verifyText(text, matcherKey, genesis, out, receipt) {
  const sodium = await loadSodium();
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = null;
  }
  const report = doc ? verifyBundle(sodium, doc, genesis, { now: Math.floor(Date.now() / 1000), matcher: matcherKey })
    : { bundle: null, checks: [{ name: 'format', passed: false, detail: t('matcher.not_json') }] };
  const list = el('ol', { class: 'checks', id: 'matcher-checks' }, report.checks.map((c) => checkRow(c, t('matcher.offline'))));
  const verdict = el('p', { id: 'matcher-verdict', role: 'status' });
  const setVerdict = () => {
    const ok = [...list.children].every((li) => li.dataset.passed === 'true');
    verdict.className = `result ${ok ? 'ok' : 'failed error'}`;
    verdict.textContent = ok ? t('matcher.valid') : t('matcher.invalid');
  };
  setVerdict();
  const b = report.bundle;
  const names = b ? Object.fromEntries(b.employers.map((e) => [e.record.id, e.record.name])) : {};
  const untrusted = report.checks.some((c) => !c.passed);
  setChildren(out, verdict,
    b?.doc.period ? el('p', {}, `${t('matcher.period')}: ${b.doc.period.from} – ${b.doc.period.to}`) : null,
    el('h3', {}, t('matcher.checks')), list,
    untrusted && b ? el('p', { class: 'error', id: 'matcher-untrusted' }, t('matcher.untrusted')) : null,
    ...(b ? disclosed(b, report.shown, names) : []));
  if (!b) return;
  let freshness;
  try {
    freshness = checkFreshness(sodium, b, await nodeView(sodium, b));
  } catch (error) {
    freshness = { name: 'freshness', passed: false, detail: `the node could not be asked: ${error.message}`,
      detail_ja: `ノードに照会できませんでした: ${error.message}` };
  }
  list.append(checkRow(freshness, t('matcher.online')));
  setVerdict();
  const receiptOut = el('div', { id: 'matcher-receipt', 'aria-live': 'polite' });
  out.insertBefore(receiptOut, verdict.nextSibling);
  // As the CLI: `valid` is every check's outcome, freshness included.
  if (receipt.signer) await recordReceipt(sodium, b, receipt.signer, receipt.purpose, [...report.checks, freshness].every((c) => c.passed), receiptOut);
  else receiptOut.replaceChildren(el('p', { class: 'note', id: 'matcher-receipt-status' }, t(receipt.note)));
}

// The genesis as the page reads it: the members the checks use, so a wrong file fails here.
function readGenesis(sodium, text) {
  const g = JSON.parse(text);
  if (typeof g?.chain_id !== 'string' || !Array.isArray(g.validators) || !Number.isSafeInteger(g.params?.max_clock_skew_seconds)) {
    throw new Error('chain_id, validators, params');
  }
  return { genesis: g, hash: genesisHash(sodium, g) };
}

export async function render(main) {
  const sodium = await loadSodium();
  // The genesis the checks use: the node's until the matcher loads a file of its own.
  let trusted = null;
  const genesisLine = el('p', { id: 'matcher-genesis', class: 'note', role: 'status' });
  const showGenesis = (source) => {
    genesisLine.dataset.source = source;
    genesisLine.className = trusted ? 'note' : 'error';
    genesisLine.textContent = trusted ? `${t('matcher.genesis')}: ${trusted.genesis.chain_id} · ${trusted.hash} (${source})`
      : t('matcher.genesis_none');
  };
  try {
    const { body } = await getJson('/v1/genesis');
    trusted = { genesis: body, hash: genesisHash(sodium, body) };
  } catch {
    trusted = null;
  }
  showGenesis(t('matcher.genesis_node'));
  const genesisFile = el('input', { type: 'file', accept: '.json,application/json' });
  genesisFile.addEventListener('change', async () => {
    const chosen = genesisFile.files[0];
    if (!chosen) return;
    try {
      trusted = readGenesis(sodium, chosen.size > MAX_BUNDLE_BYTES ? '' : await chosen.text());
      genesisFile.setAttribute('aria-invalid', 'false');
      showGenesis(chosen.name);
    } catch {
      trusted = null;
      genesisFile.setAttribute('aria-invalid', 'true');
      genesisLine.className = 'error';
      genesisLine.dataset.source = '';
      genesisLine.textContent = `${t('matcher.genesis_bad')}: ${chosen.name}`;
    }
    out.replaceChildren();
  });
  let signer = null;
  const purpose = el('input', { type: 'text', value: DEFAULT_RECEIPT_PURPOSE, maxlength: 256 });
  const keyFile = keyForm('matcher', t('matcher.key_legend'), async (opened) => {
    signer = opened;
    key.value = opened.publicHex;
  });
  const key = el('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false' });
  const file = el('input', { type: 'file', accept: '.json,application/json' });
  const status = el('p', { id: 'matcher-status', role: 'status' });
  const out = el('section', { id: 'matcher-result', 'aria-live': 'polite' });
  const drop = el('div', { class: 'dropzone', id: 'matcher-drop' }, t('matcher.drop'));
  const form = el('form', { id: 'matcher-form', novalidate: true }, genesisLine,
    field('matcher-genesis-file', t('matcher.genesis_file'), genesisFile, t('matcher.genesis_hint')),
    field('matcher-key', t('matcher.key'), key), field('matcher-purpose', t('matcher.purpose'), purpose), drop,
    field('matcher-file', t('matcher.file'), file), el('button', { type: 'submit' }, t('matcher.verify')), status);
  let dropped = null;
  const run = async () => {
    const chosen = dropped ?? file.files[0];
    if (!chosen) {
      status.textContent = t('matcher.none');
      return;
    }
    if (!trusted) {
      status.textContent = t('matcher.genesis_none');
      return;
    }
    const problem = signer ? purposeProblem(purpose.value) : null;
    purpose.setAttribute('aria-invalid', problem ? 'true' : 'false');
    if (problem) {
      status.textContent = `${t(problem)} [${problem}]`;
      return;
    }
    status.textContent = chosen.name;
    // The bundle limit (spec/bundle.md §7): a larger file is not read at all.
    const text = chosen.size > MAX_BUNDLE_BYTES ? '' : await chosen.text();
    // A receipt names its signer as the matcher: signed only when the audience checked is that key,
    // as the CLI takes one matcher key, not two.
    const matcher = key.value.trim().toLowerCase();
    const receipt = !signer ? { note: 'matcher.receipt_none' }
      : signer.publicHex === matcher ? { signer, purpose: purpose.value } : { note: 'matcher.receipt_other_key' };
    await verifyText(text, matcher, trusted.genesis, out, receipt);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  file.addEventListener('change', () => {
    dropped = null;
    run();
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    [dropped] = event.dataTransfer.files;
    run();
  });
  main.append(el('h2', {}, t('matcher.title')), el('p', { class: 'note' }, t('matcher.intro')), keyFile, form, out);
}
