// An entry's public page (#/entry/ID): its clear metadata, who signed it,
// and its inclusion proof in the entry log, each checked here: the id is
// recomputed from the transaction, the signatures verified, and the proof
// walked up to the log root the node reports.
import { getJson } from './api.js';
import { fromHex, toHex } from './bytes.js';
import { el } from './dom.js';
import { t } from './i18n.js';
import { txId, verifyTxSignature } from './ledger_crypto.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { loadSodium } from './sodium.js';

function row(key, value, attributes = {}) {
  return el('div', { class: 'stat', ...attributes }, el('dt', {}, t(key)), el('dd', { class: 'mono' }, value));
}

function check(ok, text, id) {
  return el('li', { class: ok ? 'pass' : 'fail', id }, ok ? '✔ ' : '✘ ', text);
}

export async function render(main, id) {
  main.append(el('h2', {}, t('entry.title')), el('p', { class: 'mono' }, id ?? ''));
  if (!/^[0-9a-f]{64}$/.test(id ?? '')) {
    main.append(el('p', { class: 'error', role: 'alert' }, t('entry.not_found')));
    return;
  }
  const [{ status: code, body }, { body: status }] = await Promise.all([
    getJson(`/v1/txs/${id}`, { accept: [404] }), getJson('/v1/status')]);
  if (code === 404 || body.status !== 'committed') {
    main.append(el('p', { class: 'error', role: 'alert' }, body.status === 'pending' ? 'pending' : t('entry.not_found')));
    return;
  }
  const sodium = await loadSodium();
  const { tx, location } = body;
  const b = tx.body;
  const { body: proof } = await getJson(`/v1/entries/${id}/proof`);
  const leaf = leafHash(sodium, fromHex(id, 32));
  const proofOk = toHex(leaf) === proof.leaf_hash
    && verifyInclusion(sodium, leaf, proof.log_index, proof.log_size, proof.proof, proof.log_root)
    && (proof.log_size !== status.tip.log_size || proof.log_root === status.tip.log_root);
  const idOk = txId(sodium, status.chain_id, tx) === id;
  main.append(
    el('dl', { class: 'stats entry', id: 'entry-meta' },
      row('entry.kind', `${t(`kind.${tx.kind}`)} (${tx.kind})`, { 'data-kind': tx.kind }),
      b.employer ? row('entry.employer', b.employer) : null,
      b.host_employer ? row('entry.host', b.host_employer) : null,
      b.subject ? row('entry.subject', b.subject) : null,
      b.effective_date ? row('entry.effective_date', b.effective_date) : null,
      b.expected_end ? row('entry.expected_end', b.expected_end) : null,
      b.recorded_at ? row('entry.recorded_at', new Date(Number(b.recorded_at) * 1000).toISOString()) : null,
      b.reason ? row('entry.reason', b.reason) : null,
      row('entry.height', location.height),
      row('entry.log_index', location.log_index),
      b.commitment ? row('entry.commitment', b.commitment) : null,
      b.references?.length ? row('entry.references', el('span', {}, b.references.map((r) => el('a', { href: `#/entry/${r}` }, r)))) : null),
    b.payload ? el('p', { class: 'note' }, t('entry.private')) : null,
    el('h3', {}, t('entry.signers')),
    el('ul', { class: 'checks', id: 'entry-signatures' }, tx.signatures.map((s) =>
      check(verifyTxSignature(sodium, status.chain_id, tx, s), s.signer))),
    el('h3', {}, t('entry.proof')),
    el('ul', { class: 'checks', id: 'entry-checks' },
      check(idOk, `id = SHA-256(${tx.kind})`, 'check-id'),
      check(proofOk, `${proofOk ? t('entry.proof_ok') : t('entry.proof_bad')} (${proof.log_index} / ${proof.log_size}, ${proof.proof.length} hashes)`, 'check-proof')),
    row('entry.log_root', proof.log_root));
}
