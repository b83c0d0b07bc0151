// The checks of spec/bundle.md §6 in the page, a port of ledger/bundle_verify.cpp
// (same names, same order, same meaning): a pure function of the bundle
// document, the genesis, the clock and the matcher's key. Every check runs
// whatever the others found and reports what it established, or its first
// problem and how many more. `freshness` takes the node's view (bundle_fetch's
// caller fetches it) and is the only check that needs the network.
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

class Check {
  constructor(name) {
    this.name = name;
    this.problems = [];
    this.notes = [];
  }
  problem(text) { this.problems.push(text); }
  note(text) { this.notes.push(text); }
  done(established) {
    if (this.problems.length === 0) return { name: this.name, passed: true, detail: [established, ...this.notes].join('; ') };
    const more = this.problems.length > 1 ? ` (and ${this.problems.length - 1} more)` : '';
    return { name: this.name, passed: false, detail: this.problems[0] + more };
  }
}

const TOP_MEMBERS = ['format', 'chain_id', 'genesis_hash', 'subject', 'audience', 'created_at', 'expires_at', 'period', 'anchor',
  'validator_transitions', 'subject_state', 'employers', 'entries', 'signature'];

function exactMembers(object, names, optional, where) {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error(`${where} is not an object`);
  for (const name of Object.keys(object)) if (!names.includes(name)) throw new Error(`unknown member ${where}.${name}`);
  for (const name of names) if (!(name in object) && !optional.includes(name)) throw new Error(`missing member ${where}.${name}`);
}

const isUint = (v) => Number.isSafeInteger(v) && v >= 0;

// The document, strictly read (spec/bundle.md §2), with every binary part decoded; throws on the first problem.
export function parseBundle(sodium, doc) {
  exactMembers(doc, TOP_MEMBERS, ['period'], 'bundle');
  if (doc.format !== BUNDLE_FORMAT) throw new Error(`format is not ${BUNDLE_FORMAT}`);
  if (typeof doc.chain_id !== 'string') throw new Error('chain_id is not text');
  for (const name of ['genesis_hash', 'subject', 'audience']) fromHex(doc[name], 32);
  fromHex(doc.signature, 64);
  if (!isUint(doc.created_at) || !isUint(doc.expires_at)) throw new Error('created_at and expires_at are unix seconds');
  if (doc.period !== undefined) {
    exactMembers(doc.period, ['from', 'to'], [], 'period');
    if (![doc.period.from, doc.period.to].every((d) => /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(d))) throw new Error('period dates are YYYY-MM-DD');
  }
  exactMembers(doc.anchor, ['header', 'certificate'], [], 'anchor');
  exactMembers(doc.subject_state, ['record', 'proof'], [], 'subject_state');
  if (!Array.isArray(doc.validator_transitions) || doc.validator_transitions.length > 64) throw new Error('validator_transitions');
  if (!Array.isArray(doc.employers) || doc.employers.length > 64) throw new Error('employers');
  if (!Array.isArray(doc.entries) || doc.entries.length < 1 || doc.entries.length > 256) throw new Error('entries: 1 to 256');
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
    if (!equalBytes(encodeTx(tx), bytes)) throw new Error(`entries[${i}].tx is not canonical`);
    if (!isUint(e.log_index) || !Array.isArray(e.inclusion) || !Array.isArray(e.fields)) throw new Error(`entries[${i}]`);
    e.inclusion.forEach((h) => fromHex(h, 32));
    for (const f of e.fields) {
      if ('leaf' in f) exactMembers(f, ['leaf'], [], `entries[${i}].fields`);
      else exactMembers(f, ['field', 'value', 'salt'], [], `entries[${i}].fields`);
      if ('leaf' in f) fromHex(f.leaf, 32);
      else if (!(f.field in PAYLOAD_FIELDS) || typeof f.value !== 'string' || fromHex(f.salt, 32).length !== 32) throw new Error('a field opening');
    }
    return { json: e, tx, id: txId(sodium, doc.chain_id, tx) };
  });
  return b;
}

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
    if (t.header.height <= last || t.header.height >= b.anchor.height) {
      c.problem(`${at}: transitions must be in increasing height order, below the anchor`);
      break;
    }
    const why = certificateProblem(sodium, b.doc.chain_id, t.header, t.headerBytes, t.certificate, set);
    if (why) {
      c.problem(`${at}: ${why}`);
      break;
    }
    if (t.header.next_validator_set_hash === t.header.validator_set_hash || validatorSetHash(sodium, t.next) !== t.header.next_validator_set_hash) {
      c.problem(`${at}: the listed next validator set is not the one the header names`);
      break;
    }
    set = t.next;
    last = t.header.height;
  }
  if (c.problems.length === 0) {
    const why = certificateProblem(sodium, b.doc.chain_id, b.anchor, b.anchorBytes, b.certificate, set);
    if (why) c.problem(`the anchor block ${b.anchor.height} is not certified: ${why}`);
  }
  const how = b.transitions.length === 0 ? 'the genesis validator set' : `the validator set after ${b.transitions.length} recorded change(s)`;
  return c.done(`block ${b.anchor.height} (${short(blockHash(sodium, b.anchorBytes))}) is certified by ${b.certificate.signatures.length} signature(s) of ${how}`);
}

function checkState(sodium, b) {
  const subject = new Check('subject_state');
  if (b.record.id !== b.doc.subject) subject.problem('the subject record is for another subject');
  const why = smtInclusionProblem(sodium, b.anchor.state_root, subjectStateKey(sodium, b.doc.subject), subjectStateValue(sodium, b.recordBytes), b.proof);
  if (why) subject.problem(`the subject's record does not match the anchor's state root: ${why}`);
  const employers = new Check('employer_state');
  const seen = new Set();
  for (const e of b.employers) {
    if (seen.has(e.record.id)) employers.problem(`employer ${e.record.id} is listed twice`);
    seen.add(e.record.id);
    const bad = smtInclusionProblem(sodium, b.anchor.state_root, employerStateKey(sodium, e.record.id), employerStateValue(sodium, e.bytes), e.proof);
    if (bad) employers.problem(`employer ${e.record.id}'s record does not match the anchor's state root: ${bad}`);
  }
  return [subject.done(`the subject's record (${b.record.entries.length} entries) is the ledger's at height ${b.anchor.height}`),
    employers.done(`${b.employers.length} employer record(s) are the ledger's at height ${b.anchor.height}`)];
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
    if (!verifyInclusion(sodium, leafHash(sodium, fromHex(s.id, 32)), s.json.log_index, b.anchor.log_size, s.json.inclusion, b.anchor.log_root)) {
      inclusion.problem(`${name} is not in the log at the anchor`);
    }
    if (seen.has(s.id)) entries.problem(`${name} is shown twice`);
    seen.add(s.id);
    if (s.tx.kind === 'dispute') entries.problem(`${name} is not an employer's career entry (dispute)`);
    else if (s.tx.body.subject !== b.doc.subject) entries.problem(`${name} is about another subject`);
    if (!s.ref) entries.problem(`${name} is not in the subject's record`);
    if (s.tx.signatures.length === 0 || !s.tx.signatures.every((sig) => verifyTxSignature(sodium, b.doc.chain_id, s.tx, sig))) {
      signatures.problem(`${name}: a signature does not verify`);
    } else {
      for (const [role, id] of parties(s)) {
        const record = employer(id);
        const key = signerKey(s.tx, record);
        if (!record) signatures.problem(`${name}: the bundle lacks the record of its ${role} ${id}`);
        else if (!key) signatures.problem(`${name} is not signed by a key of its ${role} ${id}`);
        else if (s.ref && !activeAt(key, s.ref.height)) {
          keys.problem(`${name} (height ${s.ref.height}) was signed by a key of its ${role} not active at that height: the entry is void`);
        } else if (s.ref && key.revoked_from_height !== 0) {
          keys.note(`${name} was signed before its ${role}'s key was revoked (from height ${key.revoked_from_height}) and stays valid`);
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
      fields.problem(`${name}: the shown fields do not match the employer's commitment`);
    }
  }
  const n = shown.length;
  return [inclusion.done(`${n} ${n === 1 ? 'entry is' : 'entries are'} in the entry log of size ${b.anchor.log_size}`),
    entries.done('every entry is a career entry listed in the subject\'s record'),
    signatures.done('every entry is signed by its employer (and the host, for secondments)'),
    keys.done('every signing key was active at its entry\'s height'),
    fields.done(`${opened} disclosed field(s) match the signed commitments; ${withheld} withheld`)];
}

function checkCompleteness(b, shown) {
  const c = new Check('completeness');
  const p = b.doc.period;
  if (!p) return c.done('not claimed: the bundle shows chosen entries, and others may exist');
  const present = new Set(shown.map((s) => s.id));
  for (const s of shown) {
    if (s.ref && !(p.from <= s.ref.effective_date && s.ref.effective_date <= p.to)) {
      c.problem(`entry ${short(s.id)} (${s.ref.effective_date}) is outside the claimed period`);
    }
  }
  const required = b.record.entries.filter((ref) => requiredInPeriod(ref, p));
  for (const ref of required) {
    if (!present.has(ref.id)) c.problem(`the ${ref.kind} of ${ref.effective_date} at ${ref.employer} (${short(ref.id)}) is missing`);
  }
  return c.done(`all ${required.length} current entries from ${p.from} to ${p.to} are present`);
}

function checkMark(name, shown, mark, what) {
  const c = new Check(name);
  for (const s of shown) if (s.ref?.[mark]) c.problem(`entry ${short(s.id)} (${s.ref.kind} of ${s.ref.effective_date}) is ${what}`);
  return c.done(`no entry is ${what}`);
}

function checkAudience(b, matcher) {
  const c = new Check('audience');
  const to = short(b.doc.audience);
  if (!matcher) c.problem(`the bundle is addressed to matcher ${to}; say who is verifying`);
  else if (matcher.toLowerCase() !== b.doc.audience.toLowerCase()) c.problem(`the bundle is addressed to matcher ${to}, not to ${short(matcher)}`);
  return c.done(`addressed to this matcher (${to})`);
}

function checkExpiry(b, now, skew) {
  const c = new Check('expiry');
  const { created_at: created, expires_at: expires } = b.doc;
  if (expires <= created) c.problem('the bundle expires before it was made');
  else if (now >= expires) c.problem(`the bundle expired at unix time ${expires}`);
  if (created > now + skew) c.problem('the bundle claims to be made in the future');
  return c.done(`valid until unix time ${expires}`);
}

function checkSubjectSignature(sodium, b) {
  const c = new Check('subject_signature');
  let ok = false;
  try {
    ok = sodium.crypto_sign_verify_detached(fromHex(b.doc.signature, 64), bundleSignedBytes(b.doc), fromHex(b.record.key, 32));
  } catch {
    ok = false;
  }
  if (!ok) c.problem('the bundle is not signed by the subject\'s key of record (altered, or signed by someone else)');
  return c.done(`signed by the subject's key ${short(b.record.key)}`);
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
    c.problem(`the node's block at height ${b.anchor.height} is not the bundle's anchor: another chain`);
  }
  for (const s of shown) {
    const now = view.current.entries.find((r) => r.id === s.id);
    if (!now) c.problem(`entry ${short(s.id)} is not in the subject's record now`);
    else if (now.superseded && !s.ref?.superseded) c.problem(`entry ${short(s.id)} was corrected since the bundle was made`);
    else if (now.disputed && !s.ref?.disputed) c.problem(`entry ${short(s.id)} was disputed since the bundle was made`);
  }
  if (b.doc.period) {
    const present = new Set(shown.map((s) => s.id));
    for (const ref of view.current.entries) {
      if (requiredInPeriod(ref, b.doc.period) && !present.has(ref.id)) {
        c.problem(`a ${ref.kind} of ${ref.effective_date} in the period was recorded since the bundle was made`);
      }
    }
  }
  return c.done(`nothing shown was corrected or disputed up to the node's height ${view.height}`);
}

// {bundle (parsed, or null), checks}. `now` in unix seconds; `matcher` the verifier's public key (hex).
export function verifyBundle(sodium, doc, genesis, { now, matcher, maxClockSkewSeconds }) {
  let b;
  try {
    b = parseBundle(sodium, doc);
  } catch (error) {
    return { bundle: null, checks: [{ name: 'format', passed: false, detail: error.message }] };
  }
  const shown = shownEntries(b);
  const chain = new Check('chain');
  if (doc.chain_id !== genesis.chain_id) chain.problem(`the bundle is for chain '${doc.chain_id}', the genesis for '${genesis.chain_id}'`);
  const hash = genesisHash(sodium, genesis);
  if (doc.genesis_hash !== hash) chain.problem(`the bundle names another genesis (hash ${short(doc.genesis_hash)})`);
  const [inclusion, entries, signatures, keys, fields] = checkEntries(sodium, b, shown);
  const checks = [chain.done(`chain '${genesis.chain_id}', genesis ${short(hash)}`), checkHeaderChain(sodium, b, genesis),
    ...checkState(sodium, b), inclusion, entries, signatures, keys, checkCompleteness(b, shown),
    checkMark('not_superseded', shown, 'superseded', 'superseded by a correction'),
    checkMark('not_disputed', shown, 'disputed', 'disputed by the subject'), fields, checkAudience(b, matcher),
    checkExpiry(b, now, maxClockSkewSeconds ?? genesis.params.max_clock_skew_seconds), checkSubjectSignature(sodium, b)];
  return { bundle: b, shown, checks };
}
