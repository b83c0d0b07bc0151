// Explorer: the chain's height, recent blocks with their certificates,
// validators and registered employers, refreshed every two seconds; and a
// form to open an entry's public page (entry_page.js).
import { getJson } from './api.js';
import { el, field, short } from './dom.js';
import { t } from './i18n.js';

const RECENT_BLOCKS = 10;
const POLL_MS = 2000;

function table(caption, headers, rows) {
  return el('table', {}, el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

function summary(status) {
  const item = (key, value, id) => el('div', { class: 'stat' }, el('dt', {}, t(key)), el('dd', { id }, value));
  return el('dl', { class: 'stats' },
    item('explorer.chain', status.chain_id, 'stat-chain'),
    item('explorer.height', status.tip.height, 'stat-height'),
    item('explorer.log_size', status.tip.log_size, 'stat-log-size'),
    item('explorer.mempool', status.mempool.txs, 'stat-mempool'),
    item('explorer.tip_hash', short(status.tip.block_hash, 12), 'stat-tip'));
}

function blockRows(blocks) {
  return blocks.map((b) => {
    const h = b.header;
    const cert = b.certificate;
    const txs = b.tx_ids.map((id) => el('li', {}, el('a', { href: `#/entry/${id}` }, short(id, 10))));
    return el('tr', { 'data-height': h.height },
      el('td', {}, h.height),
      el('td', {}, new Date(h.time_ms).toLocaleString()),
      el('td', {}, h.tx_count, txs.length ? el('ul', { class: 'ids' }, txs) : null),
      el('td', { class: 'mono' }, short(h.hash, 10)),
      el('td', { class: 'mono' }, short(h.proposer, 8)),
      el('td', { class: 'cert' }, cert
        ? `${cert.signatures.length} ${t('explorer.signatures')} · ${t('explorer.round')} ${cert.round}`
        : t('explorer.no_cert')));
  });
}

async function recentBlocks(height) {
  const heights = [];
  for (let h = height; h >= 1 && heights.length < RECENT_BLOCKS; --h) heights.push(h);
  const blocks = await Promise.all(heights.map((h) => getJson(`/v1/blocks/${h}`).then((r) => r.body)));
  return blocks;
}

function lookupForm() {
  const input = el('input', { type: 'text', name: 'entry', required: true, pattern: '[0-9a-fA-F]{64}',
    autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const form = el('form', { id: 'entry-lookup', 'aria-labelledby': 'entry-lookup-title' },
    el('h2', { id: 'entry-lookup-title' }, t('explorer.entry')),
    field('entry-id', t('explorer.entry_id'), input),
    el('button', { type: 'submit' }, t('explorer.lookup')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.reportValidity()) location.hash = `#/entry/${input.value.trim().toLowerCase()}`;
  });
  return form;
}

export async function render(main) {
  const live = el('section', { id: 'explorer-live', 'aria-live': 'polite', 'aria-busy': 'true' });
  main.append(el('h2', {}, t('explorer.title'), ' ', el('small', { class: 'badge' }, t('explorer.updated'))),
    live, lookupForm());
  let stopped = false;
  let timer = null;
  let shownHeight = -1;
  const refresh = async () => {
    try {
      const { body: status } = await getJson('/v1/status');
      if (status.tip.height !== shownHeight) {
        const [blocks, employers] = await Promise.all([recentBlocks(status.tip.height), getJson('/v1/employers')]);
        if (stopped) return;
        shownHeight = status.tip.height;
        live.replaceChildren(
          summary(status),
          table(t('explorer.blocks'), [t('explorer.height'), t('explorer.time'), t('explorer.txs'), t('explorer.hash'),
            t('explorer.proposer'), t('explorer.certificate')], blockRows(blocks)),
          table(t('explorer.validators'), [t('explorer.name'), t('explorer.key'), t('explorer.power')],
            status.validators.map((v) => el('tr', {}, el('td', {}, v.name), el('td', { class: 'mono' }, short(v.key, 12)),
              el('td', {}, v.power)))),
          table(t('explorer.employers'), [t('explorer.corp'), t('explorer.name'), t('explorer.status'), t('explorer.keys')],
            employers.body.employers.map((e) => el('tr', { 'data-employer': e.id }, el('td', { class: 'mono' }, e.id),
              el('td', {}, e.name), el('td', {}, t(`status.${e.status}`)),
              el('td', {}, e.keys.filter((k) => k.revoked_from_height === 0 || k.revoked_from_height > status.tip.height).length)))));
        live.setAttribute('aria-busy', 'false');
      } else {
        const mempool = document.getElementById('stat-mempool');
        if (mempool) mempool.textContent = status.mempool.txs;
      }
    } catch (error) {
      live.replaceChildren(el('p', { class: 'error', role: 'alert' }, t('node.offline'), ': ', error.message));
    }
    if (!stopped) timer = setTimeout(refresh, POLL_MS);
  };
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
