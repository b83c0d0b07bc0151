// The checks of spec/bundle.md §6 in the page, a port of ledger/bundle_verify.cpp
// (same names, same order, same meaning): a pure function of the bundle
// document, the genesis, the clock and the matcher's key. Every check runs
// whatever the others found and reports what it established, or its first
// problem and how many more. `freshness` takes the node's view (bundle_fetch's
// caller fetches it) and is the only check that needs the network.
//
// Each check's detail is written in English (`detail`, word for word the C++
// verifier's, so the two can be compared) and in Japanese (`detail_ja`); the
// check names never change with the language. checkDetail picks one.
import { equalBytes, fromHex, toHex } from './bytes.js';
import { BUNDLE_FORMAT, bundleSignedBytes, requiredInPeriod } from './bundle_codec.js';
import {
  blockHash, certificateProblem, employerStateKey, employerStateValue, genesisHash, smtInclusionProblem, subjectStateKey,
  subjectStateValue, validatorSetHash,
} from './chain_proofs.js';
import { PAYLOAD_FIELDS, encodeTx } from './codec.js';
import { commitmentFromLeaves, fieldLeafFromSalt, txId, verifyTxSignature } from './ledger_crypto.js';
import { decodeCareerTx, decodeCertificate, decodeEmployer, decodeHeader, decodeSmtProof, decodeSubject, decodeValidators }
  from './ledger_decode.js';
import { leafHash, verifyInclusion } from './merkle.js';

const short = (hex) => `${hex.slice(0, 16)}…`;

// The Japanese of the fixed reasons chain_proofs.js gives (English there, as in C++).
const PROOF_REASONS_JA = {
  'the certificate is for another block': '確定証明が別のブロックのものです',
  'the validator set does not match the header': 'バリデータ集合がヘッダーと一致しません',
  'certificate signatures are not sorted, each once': '確定証明の署名が順に1つずつ並んでいません',
  'a signer is not in the validator set': '署名者がバリデータ集合にいません',
  'a precommit signature does not verify': 'プリコミット署名が検証できません',
  'the proof shows no leaf for this key': '証明にこのキーの葉がありません',
  'the key\'s leaf holds another value': 'このキーの葉が別の値を持っています',
};
export function reasonJa(why) {
  const power = /^the signers hold ([0-9]+) of ([0-9]+) voting power; more than 2\/3 is needed$/.exec(why);
  if (power) return `署名者の投票力は ${power[2]} のうち ${power[1]} で、2/3 を超える必要があります`;
  return PROOF_REASONS_JA[why] ?? why;
}

// A check's detail in the page's language ('ja' or 'en').
export const checkDetail = (c, lang) => (lang === 'ja' && c.detail_ja ? c.detail_ja : c.detail);

class Check {
  constructor(name) {
    this.name = name;
    this.problems = [];
    this.notes = [];
  }
  problem(en, ja) { this.problems.push([en, ja]); }
  note(en, ja) { this.notes.push([en, ja]); }
  done(en, ja) {
    if (this.problems.length === 0) {
      const all = [[en, ja], ...this.notes];
      return { name: this.name, passed: true, detail: all.map((p) => p[0]).join('; '), detail_ja: all.map((p) => p[1]).join('。') };
    }
    const n = this.problems.length - 1;
    const [firstEn, firstJa] = this.problems[0];
    return { name: this.name, passed: false, detail: firstEn + (n ? ` (and ${n} more)` : ''), detail_ja: firstJa + (n ? `（ほか${n}件）` : '') };
  }
}

// A format problem, in both languages (parseBundle throws it; decoders throw plain Errors).
class FormatError extends Error {
  constructor(en, ja) {
    super(en);
    this.ja = ja;
  }
}

const TOP_MEMBERS = ['format', 'chain_id', 'genesis_hash', 'subject', 'audience', 'created_at', 'expires_at', 'period', 'anchor',
  'validator_transitions', 'subject_state', 'employers', 'entries', 'signature'];

function exactMembers(object, names, optional, where) {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new FormatError(`${where} is not an object`, `${where} がオブジェクトではありません`);
  }
  for (const name of Object.keys(object)) {
    if (!names.includes(name)) throw new FormatError(`unknown member ${where}.${name}`, `未知のメンバー ${where}.${name} があります`);
  }
  for (const name of names) {
    if (!(name in object) && !optional.includes(name)) throw new FormatError(`missing member ${where}.${name}`, `メンバー ${where}.${name} がありません`);
  }
}

const isUint = (v) => Number.isSafeInteger(v) && v >= 0;

// The document, strictly read (spec/bundle.md §2), with every binary part decoded; throws on the first problem.
export function parseBundle(sodium, doc) {
  exactMembers(doc, TOP_MEMBERS, ['period'], 'bundle');
  if (doc.format !== BUNDLE_FORMAT) throw new FormatError(`format is not ${BUNDLE_FORMAT}`, `format が ${BUNDLE_FORMAT} ではありません`);
  if (typeof doc.chain_id !== 'string') throw new FormatError('chain_id is not text', 'chain_id が文字列ではありません');
  for (const name of ['genesis_hash', 'subject', 'audience']) fromHex(doc[name], 32);
  fromHex(doc.signature, 64);
  if (!isUint(doc.created_at) || !isUint(doc.expires_at)) {
    throw new FormatError('created_at and expires_at are unix seconds', 'created_at と expires_at はUNIX時刻（秒）です');
  }
  if (doc.period !== undefined) {
    exactMembers(doc.period, ['from', 'to'], [], 'period');
    if (![doc.period.from, doc.period.to].every((d) => /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(d))) throw new FormatError('period dates are YYYY-MM-DD', '期間の日付は YYYY-MM-DD 形式です');
  }
  exactMembers(doc.anchor, ['header', 'certificate'], [], 'anchor');
  exactMembers(doc.subject_state, ['record', 'proof'], [], 'subject_state');
  if (!Array.isArray(doc.validator_transitions) || doc.validator_transitions.length > 64) {
    throw new FormatError('validator_transitions', 'validator_transitions が配列でないか、64件を超えています');
  }
  if (!Array.isArray(doc.employers) || doc.employers.length > 64) throw new FormatError('employers', 'employers が配列でないか、64件を超えています');
  if (!Array.isArray(doc.entries) || doc.entries.length < 1 || doc.entries.length > 256) {
    throw new FormatError('entries: 1 to 256', 'entries は1〜256件です');
  }
  const b = {
    doc, anchorBytes: fromHex(doc.anchor.header), anchor: decodeHeader(fromHex(doc.anchor.header)),
    certificate: decodeCertificate(fromHex(doc.anchor.certificate)),
    transitions: doc.validator_transitions.map((t, i) => {
      exactMembers(t, ['header', 'certificate', 'next_validators'], [], `validator_transitions[${i}]`);
      return { headerBytes: fromHex(t.header), header: decodeHeader(fromHex(t.header)), certificate: decodeCertificate(fromHex(t.certificate)),
        next: decodeValidators(fromHex(t.next_validators)) };
    }),
    recordBytes: fromHex(doc.subject_state.record), record: decodeSubject(fromHex(doc.subject_state.record)),
    proof: decodeSmtProof(fromHex(doc.subject_state.proof)),
    employers: doc.employers.map((e, i) => {
      exactMembers(e, ['record', 'proof'], [], `employers[${i}]`);
      return { bytes: fromHex(e.record), record: decodeEmployer(fromHex(e.record)), proof: decodeSmtProof(fromHex(e.proof)) };
    }),
  };
  b.entries = doc.entries.map((e, i) => {
    exactMembers(e, ['tx', 'log_index', 'inclusion', 'fields'], [], `entries[${i}]`);
    const bytes = fromHex(e.tx);
    const tx = decodeCareerTx(bytes);
    if (!equalBytes(encodeTx(tx), bytes)) throw new FormatError(`entries[${i}].tx is not canonical`, `entries[${i}].tx が正規の符号化ではありません`);
    if (!isUint(e.log_index) || !Array.isArray(e.inclusion) || !Array.isArray(e.fields)) {
      throw new FormatError(`entries[${i}]`, `entries[${i}] の log_index、inclusion、fields の形式が正しくありません`);
    }
    e.inclusion.forEach((h) => fromHex(h, 32));
    for (const f of e.fields) {
      if ('leaf' in f) exactMembers(f, ['leaf'], [], `entries[${i}].fields`);
      else exactMembers(f, ['field', 'value', 'salt'], [], `entries[${i}].fields`);
      if ('leaf' in f) fromHex(f.leaf, 32);
      else if (!(f.field in PAYLOAD_FIELDS) || typeof f.value !== 'string' || fromHex(f.salt, 32).length !== 32) {
        throw new FormatError('a field opening', `entries[${i}] の開示項目の形式が正しくありません`);
      }
    }
    return { json: e, tx, id: txId(sodium, doc.chain_id, tx) };
  });
  return b;
}

const ROLE_JA = { employer: '事業主', 'host employer': '出向先事業主' };
const isSecondment = (kind) => kind === 'secondment_start' || kind === 'secondment_end';
const parties = (s) => [['employer', s.tx.body.employer], ...(isSecondment(s.tx.kind) ? [['host employer', s.tx.body.host_employer]] : [])];
const signerKey = (tx, employer) => employer?.keys.find((k) => tx.signatures.some((s) => s.signer === k.key));
const activeAt = (k, h) => k.added_height <= h && (k.revoked_from_height === 0 || h < k.revoked_from_height);

function checkHeaderChain(sodium, b, genesis) {
  const c = new Check('header_chain');
  let set = genesis.validators.map(({ key, power, name }) => ({ key, power, name }));
  let last = 0;
  for (const t of b.transitions) {
    const at = `validator set change at height ${t.header.height}`;
    const atJa = `ブロック高 ${t.header.height} のバリデータ集合の変更`;
    if (t.header.height <= last || t.header.height >= b.anchor.height) {
      c.problem(`${at}: transitions must be in increasing height order, below the anchor`,
        `${atJa}: 変更はブロック高の昇順で、アンカーより下でなければなりません`);
      break;
    }
    const why = certificateProblem(sodium, b.doc.chain_id, t.header, t.headerBytes, t.certificate, set);
    if (why) {
      c.problem(`${at}: ${why}`, `${atJa}: ${reasonJa(why)}`);
      break;
    }
    if (t.header.next_validator_set_hash === t.header.validator_set_hash || validatorSetHash(sodium, t.next) !== t.header.next_validator_set_hash) {
      c.problem(`${at}: the listed next validator set is not the one the header names`,
        `${atJa}: 記載された次のバリデータ集合がヘッダーの示すものではありません`);
      break;
    }
    set = t.next;
    last = t.header.height;
  }
  if (c.problems.length === 0) {
    const why = certificateProblem(sodium, b.doc.chain_id, b.anchor, b.anchorBytes, b.certificate, set);
    if (why) c.problem(`the anchor block ${b.anchor.height} is not certified: ${why}`, `アンカーのブロック ${b.anchor.height} が確定していません: ${reasonJa(why)}`);
  }
  const n = b.transitions.length;
  const how = n === 0 ? 'the genesis validator set' : `the validator set after ${n} recorded change(s)`;
  const howJa = n === 0 ? 'ジェネシスのバリデータ集合' : `記録された ${n} 回の変更後のバリデータ集合`;
  const hash = short(blockHash(sodium, b.anchorBytes));
  const signatures = b.certificate.signatures.length;
  return c.done(`block ${b.anchor.height} (${hash}) is certified by ${signatures} signature(s) of ${how}`,
    `ブロック ${b.anchor.height}（${hash}）は${howJa}の ${signatures} 件の署名で確定しています`);
}

function checkState(sodium, b) {
  const subject = new Check('subject_state');
  if (b.record.id !== b.doc.subject) subject.problem('the subject record is for another subject', '本人の記録が別の対象者のものです');
  const why = smtInclusionProblem(sodium, b.anchor.state_root, subjectStateKey(sodium, b.doc.subject), subjectStateValue(sodium, b.recordBytes), b.proof);
  if (why) subject.problem(`the subject's record does not match the anchor's state root: ${why}`, `本人の記録がアンカーの状態ルートと一致しません: ${reasonJa(why)}`);
  const employers = new Check('employer_state');
  const seen = new Set();
  for (const e of b.employers) {
    if (seen.has(e.record.id)) employers.problem(`employer ${e.record.id} is listed twice`, `事業主 ${e.record.id} が2回記載されています`);
    seen.add(e.record.id);
    const bad = smtInclusionProblem(sodium, b.anchor.state_root, employerStateKey(sodium, e.record.id), employerStateValue(sodium, e.bytes), e.proof);
    if (bad) {
      employers.problem(`employer ${e.record.id}'s record does not match the anchor's state root: ${bad}`,
        `事業主 ${e.record.id} の記録がアンカーの状態ルートと一致しません: ${reasonJa(bad)}`);
    }
  }
  const h = b.anchor.height;
  return [subject.done(`the subject's record (${b.record.entries.length} entries) is the ledger's at height ${h}`,
    `本人の記録（${b.record.entries.length} 件）はブロック高 ${h} の台帳のものです`),
  employers.done(`${b.employers.length} employer record(s) are the ledger's at height ${h}`,
    `事業主の記録 ${b.employers.length} 件はブロック高 ${h} の台帳のものです`)];
}

function checkEntries(sodium, b, shown) {
  const inclusion = new Check('inclusion');
  const entries = new Check('subject_entries');
  const signatures = new Check('employer_signatures');
  const keys = new Check('key_active');
  const fields = new Check('disclosed_fields');
  const seen = new Set();
  let opened = 0;
  let withheld = 0;
  const employer = (id) => b.employers.find((e) => e.record.id === id)?.record;
  for (const s of shown) {
    const name = `entry ${short(s.id)}`;
    const nameJa = `記録 ${short(s.id)}`;
    if (!verifyInclusion(sodium, leafHash(sodium, fromHex(s.id, 32)), s.json.log_index, b.anchor.log_size, s.json.inclusion, b.anchor.log_root)) {
      inclusion.problem(`${name} is not in the log at the anchor`, `${nameJa} はアンカー時点のログに含まれていません`);
    }
    if (seen.has(s.id)) entries.problem(`${name} is shown twice`, `${nameJa} が2回示されています`);
    seen.add(s.id);
    if (s.tx.kind === 'dispute') entries.problem(`${name} is not an employer's career entry (dispute)`, `${nameJa} は事業主の経歴記録ではありません（異議）`);
    else if (s.tx.body.subject !== b.doc.subject) entries.problem(`${name} is about another subject`, `${nameJa} は別の対象者の記録です`);
    if (!s.ref) entries.problem(`${name} is not in the subject's record`, `${nameJa} は本人の記録に載っていません`);
    if (s.tx.signatures.length === 0 || !s.tx.signatures.every((sig) => verifyTxSignature(sodium, b.doc.chain_id, s.tx, sig))) {
      signatures.problem(`${name}: a signature does not verify`, `${nameJa}: 署名が検証できません`);
    } else {
      for (const [role, id] of parties(s)) {
        const roleJa = ROLE_JA[role];
        const record = employer(id);
        const key = signerKey(s.tx, record);
        if (!record) signatures.problem(`${name}: the bundle lacks the record of its ${role} ${id}`, `${nameJa}: バンドルに${roleJa} ${id} の記録がありません`);
        else if (!key) signatures.problem(`${name} is not signed by a key of its ${role} ${id}`, `${nameJa} は${roleJa} ${id} の鍵で署名されていません`);
        else if (s.ref && !activeAt(key, s.ref.height)) {
          keys.problem(`${name} (height ${s.ref.height}) was signed by a key of its ${role} not active at that height: the entry is void`,
            `${nameJa}（ブロック高 ${s.ref.height}）はその高さで有効でない${roleJa}の鍵で署名されています: 記録は無効です`);
        } else if (s.ref && key.revoked_from_height !== 0) {
          keys.note(`${name} was signed before its ${role}'s key was revoked (from height ${key.revoked_from_height}) and stays valid`,
            `${nameJa} は${roleJa}の鍵の失効（ブロック高 ${key.revoked_from_height} から）より前に署名されたので有効です`);
        }
      }
    }
    const leaves = s.json.fields.map((f) => {
      if ('leaf' in f) {
        withheld += 1;
        return fromHex(f.leaf, 32);
      }
      opened += 1;
      return fieldLeafFromSalt(sodium, fromHex(f.salt, 32), PAYLOAD_FIELDS[f.field], f.value);
    });
    if (toHex(commitmentFromLeaves(sodium, leaves)) !== s.tx.body.commitment) {
      fields.problem(`${name}: the shown fields do not match the employer's commitment`, `${nameJa}: 示された項目が事業主のコミットメントと一致しません`);
    }
  }
  const n = shown.length;
  return [inclusion.done(`${n} ${n === 1 ? 'entry is' : 'entries are'} in the entry log of size ${b.anchor.log_size}`,
    `${n} 件の記録が件数 ${b.anchor.log_size} の記録ログに含まれています`),
  entries.done('every entry is a career entry listed in the subject\'s record', 'すべて本人の記録に載っている経歴記録です'),
  signatures.done('every entry is signed by its employer (and the host, for secondments)',
    'すべての記録に事業主（出向では出向先も）の署名があります'),
  keys.done('every signing key was active at its entry\'s height', 'どの署名鍵も記録のブロック高で有効でした'),
  fields.done(`${opened} disclosed field(s) match the signed commitments; ${withheld} withheld`,
    `開示された ${opened} 項目は署名されたコミットメントと一致します。非開示 ${withheld} 項目`)];
}

function checkCompleteness(b, shown) {
  const c = new Check('completeness');
  const p = b.doc.period;
  if (!p) return c.done('not claimed: the bundle shows chosen entries, and others may exist', '主張なし: 選ばれた記録のみで、ほかの記録があり得ます');
  const present = new Set(shown.map((s) => s.id));
  for (const s of shown) {
    if (s.ref && !(p.from <= s.ref.effective_date && s.ref.effective_date <= p.to)) {
      c.problem(`entry ${short(s.id)} (${s.ref.effective_date}) is outside the claimed period`,
        `記録 ${short(s.id)}（${s.ref.effective_date}）は主張された期間の外です`);
    }
  }
  const required = b.record.entries.filter((ref) => requiredInPeriod(ref, p));
  for (const ref of required) {
    if (!present.has(ref.id)) {
      c.problem(`the ${ref.kind} of ${ref.effective_date} at ${ref.employer} (${short(ref.id)}) is missing`,
        `${ref.employer} の ${ref.effective_date} の ${ref.kind}（${short(ref.id)}）が含まれていません`);
    }
  }
  return c.done(`all ${required.length} current entries from ${p.from} to ${p.to} are present`,
    `${p.from} から ${p.to} までの現行の記録 ${required.length} 件がすべて含まれています`);
}

function checkMark(name, shown, mark, what, [whatJa, noneJa]) {
  const c = new Check(name);
  for (const s of shown) {
    if (s.ref?.[mark]) {
      c.problem(`entry ${short(s.id)} (${s.ref.kind} of ${s.ref.effective_date}) is ${what}`,
        `記録 ${short(s.id)}（${s.ref.effective_date} の ${s.ref.kind}）は${whatJa}`);
    }
  }
  return c.done(`no entry is ${what}`, noneJa);
}

function checkAudience(b, matcher) {
  const c = new Check('audience');
  const to = short(b.doc.audience);
  if (!matcher) c.problem(`the bundle is addressed to matcher ${to}; say who is verifying`, `バンドルの宛先は採用担当者 ${to} です。検証する人の公開鍵を入れてください`);
  else if (matcher.toLowerCase() !== b.doc.audience.toLowerCase()) {
    c.problem(`the bundle is addressed to matcher ${to}, not to ${short(matcher)}`, `バンドルの宛先は採用担当者 ${to} で、${short(matcher)} ではありません`);
  }
  return c.done(`addressed to this matcher (${to})`, `この採用担当者（${to}）宛てです`);
}

function checkExpiry(b, now, skew) {
  const c = new Check('expiry');
  const { created_at: created, expires_at: expires } = b.doc;
  const when = (s) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16);
  if (expires <= created) c.problem('the bundle expires before it was made', 'バンドルの有効期限が作成より前です');
  else if (now >= expires) c.problem(`the bundle expired at unix time ${expires}`, `バンドルは ${when(expires)} UTC（UNIX時刻 ${expires}）に期限切れです`);
  if (created > now + skew) c.problem('the bundle claims to be made in the future', 'バンドルの作成時刻が未来になっています');
  return c.done(`valid until unix time ${expires}`, `${when(expires)} UTC（UNIX時刻 ${expires}）まで有効です`);
}

function checkSubjectSignature(sodium, b) {
  const c = new Check('subject_signature');
  let ok = false;
  try {
    ok = sodium.crypto_sign_verify_detached(fromHex(b.doc.signature, 64), bundleSignedBytes(b.doc), fromHex(b.record.key, 32));
  } catch {
    ok = false;
  }
  if (!ok) {
    c.problem('the bundle is not signed by the subject\'s key of record (altered, or signed by someone else)',
      'バンドルは本人の登録された鍵で署名されていません（改変されたか、別人の署名です）');
  }
  return c.done(`signed by the subject's key ${short(b.record.key)}`, `本人の鍵 ${short(b.record.key)} で署名されています`);
}

// The entries as shown, with their place in the subject's record (null when not listed).
const shownEntries = (b) => b.entries.map((e) => ({ ...e, ref: b.record.entries.find((r) => r.id === e.id) ?? null }));

// freshness (spec/bundle.md §6.2). `view`: {blockHashAtAnchor, height, current}: the node's
// block hash at the anchor height, its height, and the subject's current record (checked
// by the caller against the node's state root).
export function checkFreshness(sodium, b, view) {
  const c = new Check('freshness');
  const shown = shownEntries(b);
  if (view.blockHashAtAnchor !== blockHash(sodium, b.anchorBytes)) {
    c.problem(`the node's block at height ${b.anchor.height} is not the bundle's anchor: another chain`,
      `ノードのブロック高 ${b.anchor.height} のブロックがバンドルのアンカーではありません: 別のチェーンです`);
  }
  for (const s of shown) {
    const now = view.current.entries.find((r) => r.id === s.id);
    const id = short(s.id);
    if (!now) c.problem(`entry ${id} is not in the subject's record now`, `記録 ${id} は現在の本人の記録にありません`);
    else if (now.superseded && !s.ref?.superseded) c.problem(`entry ${id} was corrected since the bundle was made`, `記録 ${id} はバンドル作成後に訂正されました`);
    else if (now.disputed && !s.ref?.disputed) c.problem(`entry ${id} was disputed since the bundle was made`, `記録 ${id} はバンドル作成後に異議が出されました`);
  }
  if (b.doc.period) {
    const present = new Set(shown.map((s) => s.id));
    for (const ref of view.current.entries) {
      if (requiredInPeriod(ref, b.doc.period) && !present.has(ref.id)) {
        c.problem(`a ${ref.kind} of ${ref.effective_date} in the period was recorded since the bundle was made`,
          `期間内の ${ref.effective_date} の ${ref.kind} がバンドル作成後に記録されました`);
      }
    }
  }
  return c.done(`nothing shown was corrected or disputed up to the node's height ${view.height}`,
    `ノードのブロック高 ${view.height} まで、示された記録に訂正も異議もありません`);
}

// {bundle (parsed, or null), checks}. `now` in unix seconds; `matcher` the verifier's public key (hex).
export function verifyBundle(sodium, doc, genesis, { now, matcher, maxClockSkewSeconds }) {
  let b;
  try {
    b = parseBundle(sodium, doc);
  } catch (error) {
    const ja = error.ja ?? `バンドルを読み取れません（${error.message}）`;
    return { bundle: null, checks: [{ name: 'format', passed: false, detail: error.message, detail_ja: ja }] };
  }
  const shown = shownEntries(b);
  const chain = new Check('chain');
  if (doc.chain_id !== genesis.chain_id) {
    chain.problem(`the bundle is for chain '${doc.chain_id}', the genesis for '${genesis.chain_id}'`,
      `バンドルはチェーン「${doc.chain_id}」のもので、ジェネシスは「${genesis.chain_id}」のものです`);
  }
  const hash = genesisHash(sodium, genesis);
  if (doc.genesis_hash !== hash) {
    chain.problem(`the bundle names another genesis (hash ${short(doc.genesis_hash)})`, `バンドルは別のジェネシス（ハッシュ ${short(doc.genesis_hash)}）を指しています`);
  }
  const [inclusion, entries, signatures, keys, fields] = checkEntries(sodium, b, shown);
  const checks = [chain.done(`chain '${genesis.chain_id}', genesis ${short(hash)}`, `チェーン「${genesis.chain_id}」、ジェネシス ${short(hash)}`),
    checkHeaderChain(sodium, b, genesis),
    ...checkState(sodium, b), inclusion, entries, signatures, keys, checkCompleteness(b, shown),
    checkMark('not_superseded', shown, 'superseded', 'superseded by a correction', ['訂正で置き換えられています', '訂正で置き換えられた記録はありません']),
    checkMark('not_disputed', shown, 'disputed', 'disputed by the subject', ['本人が異議を出しています', '本人が異議を出した記録はありません']), fields, checkAudience(b, matcher),
    checkExpiry(b, now, maxClockSkewSeconds ?? genesis.params.max_clock_skew_seconds), checkSubjectSignature(sodium, b)];
  return { bundle: b, shown, checks };
}
