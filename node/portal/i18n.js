// UI text in Japanese (the default) and English. t(key) looks a key up in
// the current language; elements with data-i18n get their text replaced when
// the language changes. The choice is remembered in localStorage.
const TEXT = {
  ja: {
    title: 'ジョブ・カード台帳', skip: '本文へ移動', nav: 'ページ', 'nav.explorer': 'エクスプローラ',
    'nav.employer': '事業主', 'nav.candidate': '本人', 'lang.switch': 'English', footer: '鍵はこのページの外に出ません。',
    'node.online': 'ノード接続中', 'node.offline': 'ノードに接続できません',
    'explorer.title': '台帳エクスプローラ', 'explorer.chain': 'チェーン', 'explorer.height': 'ブロック高',
    'explorer.log_size': '記録件数', 'explorer.mempool': '未処理', 'explorer.tip_hash': '最新ブロック',
    'explorer.blocks': '最近のブロック', 'explorer.validators': 'バリデータ', 'explorer.employers': '登録事業主',
    'explorer.time': '時刻', 'explorer.txs': '件数', 'explorer.proposer': '提案者', 'explorer.certificate': '確定証明',
    'explorer.signatures': '署名', 'explorer.round': 'ラウンド', 'explorer.hash': 'ハッシュ', 'explorer.name': '名称',
    'explorer.power': '投票力', 'explorer.key': '公開鍵', 'explorer.status': '状態', 'explorer.keys': '有効な鍵',
    'explorer.corp': '法人番号', 'explorer.entry': '記録の検索', 'explorer.entry_id': '記録ID（16進64桁）',
    'explorer.lookup': '表示', 'explorer.updated': '自動更新中', 'explorer.no_cert': 'なし',
    'entry.title': '記録', 'entry.kind': '種別', 'entry.employer': '事業主', 'entry.subject': '対象者（仮名）',
    'entry.effective_date': '発令日', 'entry.recorded_at': '記録時刻', 'entry.height': 'ブロック高',
    'entry.log_index': 'ログ位置', 'entry.commitment': 'コミットメント', 'entry.references': '参照',
    'entry.signers': '署名者', 'entry.host': '出向先', 'entry.expected_end': '出向終了予定', 'entry.reason': '理由',
    'entry.proof': '包含証明', 'entry.proof_ok': 'ログのルートまで検証済み', 'entry.proof_bad': '包含証明が一致しません',
    'entry.log_root': 'ログのルート', 'entry.private': '内容は暗号化されています（本人と事業主のみ閲覧可）',
    'entry.not_found': 'その記録はありません',
    'kind.hire': '雇入れ', 'kind.position_change': '昇進・異動', 'kind.role_change': '職務変更',
    'kind.secondment_start': '在籍出向 開始', 'kind.secondment_end': '在籍出向 終了', 'kind.side_job_start': '兼業・副業 開始',
    'kind.side_job_end': '兼業・副業 終了', 'kind.separation': '退職', 'kind.correction': '訂正', 'kind.dispute': '異議',
    'kind.headcount': '在籍者数の届出', 'kind.register_employer': '事業主の登録', 'kind.enroll_subject': '本人の登録',
    'status.active': '有効', 'status.suspended': '停止中', 'status.closed': '閉鎖',
  },
  en: {
    title: 'JobCard Ledger', skip: 'Skip to content', nav: 'Pages', 'nav.explorer': 'Explorer',
    'nav.employer': 'Employer', 'nav.candidate': 'Candidate', 'lang.switch': '日本語', footer: 'Keys never leave this page.',
    'node.online': 'node online', 'node.offline': 'cannot reach the node',
    'explorer.title': 'Ledger explorer', 'explorer.chain': 'Chain', 'explorer.height': 'Height',
    'explorer.log_size': 'Entries', 'explorer.mempool': 'Pending', 'explorer.tip_hash': 'Latest block',
    'explorer.blocks': 'Recent blocks', 'explorer.validators': 'Validators', 'explorer.employers': 'Registered employers',
    'explorer.time': 'Time', 'explorer.txs': 'Txs', 'explorer.proposer': 'Proposer', 'explorer.certificate': 'Certificate',
    'explorer.signatures': 'signatures', 'explorer.round': 'round', 'explorer.hash': 'Hash', 'explorer.name': 'Name',
    'explorer.power': 'Power', 'explorer.key': 'Public key', 'explorer.status': 'Status', 'explorer.keys': 'Active keys',
    'explorer.corp': 'Corporate number', 'explorer.entry': 'Find an entry', 'explorer.entry_id': 'Entry id (64 hex digits)',
    'explorer.lookup': 'Show', 'explorer.updated': 'updating live', 'explorer.no_cert': 'none',
    'entry.title': 'Entry', 'entry.kind': 'Kind', 'entry.employer': 'Employer', 'entry.subject': 'Subject (pseudonym)',
    'entry.effective_date': 'Effective date', 'entry.recorded_at': 'Recorded at', 'entry.height': 'Height',
    'entry.log_index': 'Log index', 'entry.commitment': 'Commitment', 'entry.references': 'References',
    'entry.signers': 'Signers', 'entry.host': 'Host employer', 'entry.expected_end': 'Expected end', 'entry.reason': 'Reason',
    'entry.proof': 'Inclusion proof', 'entry.proof_ok': 'verified up to the log root', 'entry.proof_bad': 'the inclusion proof does not match',
    'entry.log_root': 'Log root', 'entry.private': 'The details are encrypted (readable by the worker and the employer only)',
    'entry.not_found': 'no such entry',
    'kind.hire': 'Hire', 'kind.position_change': 'Position change', 'kind.role_change': 'Role change',
    'kind.secondment_start': 'Secondment start', 'kind.secondment_end': 'Secondment end', 'kind.side_job_start': 'Side job start',
    'kind.side_job_end': 'Side job end', 'kind.separation': 'Separation', 'kind.correction': 'Correction', 'kind.dispute': 'Dispute',
    'kind.headcount': 'Headcount', 'kind.register_employer': 'Employer registration', 'kind.enroll_subject': 'Enrolment',
    'status.active': 'active', 'status.suspended': 'suspended', 'status.closed': 'closed',
  },
};

let lang = (globalThis.localStorage?.getItem('lang') === 'en') ? 'en' : 'ja';

export function currentLang() {
  return lang;
}

export function addText(ja, en) {
  Object.assign(TEXT.ja, ja);
  Object.assign(TEXT.en, en);
}

export function t(key) {
  return TEXT[lang][key] ?? TEXT.ja[key] ?? key;
}

export function hasText(key) {
  return key in TEXT[lang] || key in TEXT.ja;
}

export function applyText(root = document) {
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'ja';
  globalThis.localStorage?.setItem('lang', lang);
}
