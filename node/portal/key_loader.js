// The key file form shared by the employer and candidate pages: a file and
// its passphrase, opened here (keystore.js); the key stays in this page.
import { el, field } from './dom.js';
import { addText, t } from './i18n.js';
import { openKeystore } from './keystore.js';
import { loadSodium } from './sodium.js';
import { toHex } from './bytes.js';

addText({
  'key.file': '鍵ファイル', 'key.passphrase': 'パスフレーズ', 'key.open': '鍵を開く', 'key.opening': '鍵を開いています…',
  'key.opened': '鍵を開きました', 'key.hint': 'ファイルはこのページで復号され、送信されません。',
  'keystore.wrong_passphrase': 'パスフレーズが違うか、ファイルが改変されています',
  'keystore.malformed': '鍵ファイルの形式が正しくありません', 'key.none': 'ファイルを選んでください',
}, {
  'key.file': 'Key file', 'key.passphrase': 'Passphrase', 'key.open': 'Open the key', 'key.opening': 'Opening the key…',
  'key.opened': 'Key opened', 'key.hint': 'The file is decrypted in this page and never sent.',
  'keystore.wrong_passphrase': 'wrong passphrase or the file was altered',
  'keystore.malformed': 'the key file is malformed', 'key.none': 'choose a file',
});

// onOpened({publicKey, privateKey, label, publicHex}) is awaited.
export function keyForm(prefix, legend, onOpened) {
  const file = el('input', { type: 'file', accept: '.key,application/json', required: true });
  const pass = el('input', { type: 'password', autocomplete: 'current-password' });
  const status = el('p', { id: `${prefix}-key-status`, role: 'status' });
  const form = el('form', { id: `${prefix}-key-form` }, el('h3', {}, legend),
    field(`${prefix}-key-file`, t('key.file'), file, t('key.hint')),
    field(`${prefix}-key-pass`, t('key.passphrase'), pass),
    el('button', { type: 'submit' }, t('key.open')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) {
      status.textContent = t('key.none');
      return;
    }
    status.textContent = t('key.opening');
    status.className = '';
    try {
      const sodium = await loadSodium();
      const text = await file.files[0].text();
      // Let the status paint before Argon2id takes the thread.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const key = openKeystore(sodium, text, pass.value);
      pass.value = '';
      status.textContent = `${t('key.opened')}: ${key.label}`;
      status.className = 'ok';
      await onOpened({ ...key, publicHex: toHex(key.publicKey) });
    } catch (error) {
      status.textContent = error.code ? `${t(error.code)} [${error.code}]` : error.message;
      status.className = 'error';
    }
  });
  return form;
}
