// The portal's shell: hash routes (#/explorer, #/entry/ID, #/employer,
// #/candidate, #/matcher), the language switch and the node status line. Each page
// module exports render(main) and may return a function that stops it
// (the explorer's polling).
import { getJson } from './api.js';
import { applyText, currentLang, setLang, t } from './i18n.js';
import * as explorer from './explorer.js';
import * as entry from './entry_page.js';
import * as employer from './employer.js';
import * as candidate from './candidate.js';
import * as matcher from './matcher.js';

const PAGES = { explorer, entry, employer, candidate, matcher };
let stopPage = null;

function route() {
  const [, name = 'explorer', arg] = location.hash.split('/');
  return { page: PAGES[name] ? name : 'explorer', arg: arg ? decodeURIComponent(arg) : undefined };
}

async function show() {
  if (stopPage) stopPage();
  stopPage = null;
  const { page, arg } = route();
  const main = document.getElementById('main');
  main.replaceChildren();
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  applyText();
  stopPage = (await PAGES[page].render(main, arg)) ?? null;
}

async function checkNode() {
  const line = document.getElementById('node-status');
  try {
    const { body } = await getJson('/v1/status');
    line.textContent = `${t('node.online')} · ${body.chain_id} · #${body.tip.height}`;
  } catch {
    line.textContent = t('node.offline');
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(currentLang() === 'ja' ? 'en' : 'ja');
  show();
  checkNode();
});
window.addEventListener('hashchange', show);
show();
checkNode();
setInterval(checkNode, 5000);
