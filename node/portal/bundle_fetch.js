// What a bundle carries, fetched from the node the page came from, all at one
// anchor (the tip), as cli/bundle_fetch.cpp does: the subject's record and its
// state proof, the tip's header and certificate, each chosen entry with its
// inclusion proof for the anchor's log size, and the records of the employers
// and hosts that signed them. The node is not trusted: the bundle is verified
// before it is offered for download. Retried when a block lands meanwhile.
// When the anchor's validator set is not the genesis set, the transitions that
// lead to it are paged from GET /v1/validator-transitions (spec/bundle.md §4.2).
import { getJson } from './api.js';
import { requiredInPeriod } from './bundle_codec.js';
import { genesisHash, validatorSetHash } from './chain_proofs.js';

const MAX_ATTEMPTS = 5;
// A bundle carries at most this many validator-set transitions (ledger kMaxValidatorTransitions).
export const MAX_VALIDATOR_TRANSITIONS = 64;

export class BundleError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}


const badResponse = (what) => new BundleError('node.bad_response', `the node's answer is malformed: ${what}`);
const isHex = (v) => typeof v === 'string' && v.length > 0 && v.length % 2 === 0 && /^[0-9a-f]+$/.test(v);

// Every block below `anchorHeight` after which the validator set changed, page by
// page, as cli/bundle_fetch.cpp FetchTransitions does: at most
// MAX_VALIDATOR_TRANSITIONS (bundle.too_many_transitions), and an empty page that
// names a next one, or a next_from that does not advance, is refused, so at most
// MAX_VALIDATOR_TRANSITIONS + 1 pages are asked for whatever the node says.
// `get(path)` answers the parsed body (getJson's, in the page). The verifier
// checks what the node answered.
export async function fetchTransitions(get, anchorHeight) {
  const out = [];
  let from = 0;
  for (;;) {
    const page = await get(`/v1/validator-transitions?from=${from}&below=${anchorHeight}`);
    const items = page?.validator_transitions;
    if (!Array.isArray(items)) throw badResponse('validator_transitions');
    for (const [i, item] of items.entries()) {
      if (out.length === MAX_VALIDATOR_TRANSITIONS) {
        throw new BundleError('bundle.too_many_transitions', `the validator set changed more than ${MAX_VALIDATOR_TRANSITIONS}`
          + ' times below the anchor; a bundle cannot carry them all');
      }
      if (!['header', 'certificate', 'next_validators'].every((name) => isHex(item?.[name])) || Object.keys(item).length !== 3) {
        throw badResponse(`validator_transitions[${i}]`);
      }
      out.push({ header: item.header, certificate: item.certificate, next_validators: item.next_validators });
    }
    const next = page.next_from;
    if (next === null || next === undefined) return out;
    if (items.length === 0) throw badResponse('an empty page of validator transitions names a next one');
    const nextFrom = typeof next === 'string' ? Number(next) : next;
    if (!Number.isSafeInteger(nextFrom) || nextFrom <= from) throw badResponse('next_from does not advance');
    from = nextFrom;
  }
}

const signingEmployers = (txs) => [...new Set(txs.flatMap((tx) => [tx.body.employer,
  ...(tx.kind === 'secondment_start' || tx.kind === 'secondment_end' ? [tx.body.host_employer] : [])]))];

const sameTip = (a, b) => a.height === b.height && a.block_hash === b.block_hash && a.state_root === b.state_root;

async function fetchOnce(sodium, subject, choice) {
  const { body: genesis } = await getJson('/v1/genesis');
  const history = (await getJson(`/v1/subjects/${subject}/history`, { accept: [404] })).body;
  if (!history.subject) throw new BundleError('validation.subject_not_enrolled', 'the subject is not enrolled');
  const { tip } = history;
  const ids = choice.period ? history.subject.entries.filter((ref) => requiredInPeriod(ref, choice.period)).map((ref) => ref.id)
    : history.subject.entries.filter((ref) => choice.ids.includes(ref.id)).map((ref) => ref.id);
  if (ids.length === 0) {
    throw choice.period ? new BundleError('bundle.empty_period', `no current entry is effective from ${choice.period.from} to ${choice.period.to}`)
      : new BundleError('bundle.no_entries', 'a bundle needs at least one entry');
  }
  const { body: block } = await getJson(`/v1/blocks/${tip.height}`);
  if (block.header.hash !== tip.block_hash) return null;
  const transitions = block.header.validator_set_hash === validatorSetHash(sodium, genesis.validators) ? []
    : await fetchTransitions(async (p) => (await getJson(p)).body, tip.height);
  const byId = Object.fromEntries(history.entries.map((item) => [item.id, item]));
  const entries = await Promise.all(ids.map(async (id) => {
    const { body: path } = await getJson(`/v1/entries/${id}/proof?log_size=${tip.log_size}`);
    return { id, tx: byId[id].encoded, log_index: path.log_index, inclusion: path.proof, json: byId[id].tx };
  }));
  const employers = [];
  for (const corp of signingEmployers(entries.map((e) => e.json))) {
    const { body } = await getJson(`/v1/employers/${corp}`);
    if (!sameTip(body.tip, tip)) return null;
    employers.push({ record: body.employer.encoded, proof: body.proof.encoded });
  }
  return {
    genesis, chainId: genesis.chain_id, genesisHash: genesisHash(sodium, genesis), subject, subjectKey: history.subject.key,
    anchor: { header: block.header.encoded, certificate: block.certificate.encoded }, transitions,
    subjectState: { record: history.subject.encoded, proof: history.proof.encoded }, employers, entries,
  };
}

// choice: {ids: [hex]} or {period: {from, to}}. Entries keep the record's order.
export async function fetchBundleMaterial(sodium, subject, choice) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; ++attempt) {
    const material = await fetchOnce(sodium, subject, choice);
    if (material) return material;
  }
  throw new BundleError('bundle.busy', 'the node committed blocks while the proofs were being fetched; try again');
}
