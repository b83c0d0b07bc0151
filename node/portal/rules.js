// The checks a form makes before anything is signed, matching the ledger's
// rules (spec/encoding.md §1–2, §6; spec/data-model.md §3, §9.2, E6).
// Each returns null when the value is fine, or an error {code, field}.
// Pure: no DOM, no network; tested in tests/portal/timeline.test.mjs.
import { utf8 } from './bytes.js';
import { MAX_FIELD_BYTES, MAX_PAYLOAD_BYTES, payloadFields } from './codec.js';

export const CORRECTION_REASONS = ['clerical', 'wrong_date', 'wrong_subject', 'wrong_kind', 'retraction', 'other'];
export const DISPUTE_REASONS = ['inaccurate', 'never_happened', 'wrong_dates', 'other'];

// 法人番号 check digit (the first digit) of the 12-digit base: 9 - (Σ P_n Q_n mod 9),
// P_n the n-th digit from the right, Q_n = 1 for odd n and 2 for even n.
export function corporateCheckDigit(base12) {
  let sum = 0;
  for (let n = 1; n <= 12; ++n) sum += Number(base12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return 9 - (sum % 9);
}

export function checkCorporateNumber(text) {
  if (!/^[0-9]{13}$/.test(text)) return { code: 'id.corporate_number_form' };
  if (Number(text[0]) !== corporateCheckDigit(text.slice(1))) return { code: 'id.corporate_number_check' };
  return null;
}

// A real proleptic-Gregorian date "YYYY-MM-DD", 1900–2199.
export function checkDate(text) {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text ?? '');
  if (!m) return { code: 'date.invalid' };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return { code: 'date.invalid' };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day > daysInMonth ? { code: 'date.invalid' } : null;
}

// E6: effective_date ≤ Date(recorded_at) + 1 day (UTC).
export function checkNotInFuture(dateText, recordedAtSeconds) {
  const limit = new Date((recordedAtSeconds + 86400) * 1000).toISOString().slice(0, 10);
  return dateText > limit ? { code: 'validation.effective_date_in_future' } : null;
}

// Text rules: no control characters but tab and newline (CR is refused).
export function checkText(value) {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) return { code: 'encoding.control_char' };
  if (/[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return { code: 'encoding.bad_utf8' };
  if (utf8(value).length > MAX_FIELD_BYTES) return { code: 'payload.field_too_large' };
  return null;
}

// Every failing check of an entry form, as [{field, code}] (empty when all pass).
// `form`: {kind, employer, effective_date, recorded_at, host_employer,
// expected_end, reference, reason, payload: {name: value}}.
export function checkEntryForm(form) {
  const errors = [];
  const add = (field, error) => error && errors.push({ field, code: error.code });
  add('employer', checkCorporateNumber(form.employer ?? ''));
  add('effective_date', checkDate(form.effective_date));
  if (!checkDate(form.effective_date)) add('effective_date', checkNotInFuture(form.effective_date, form.recorded_at));
  const secondment = form.kind === 'secondment_start' || form.kind === 'secondment_end';
  if (secondment) {
    add('host_employer', checkCorporateNumber(form.host_employer ?? ''));
    if (form.host_employer === form.employer) errors.push({ field: 'host_employer', code: 'tx.form.host_differs' });
  }
  if (form.kind === 'secondment_start') {
    add('expected_end', checkDate(form.expected_end));
    if (!checkDate(form.expected_end) && !checkDate(form.effective_date) && form.expected_end < form.effective_date) {
      errors.push({ field: 'expected_end', code: 'tx.form.expected_end_order' });
    }
  }
  if (['secondment_end', 'side_job_end', 'correction', 'dispute'].includes(form.kind)
      && !/^[0-9a-fA-F]{64}$/.test(form.reference ?? '')) {
    errors.push({ field: 'reference', code: 'tx.form.reference_count' });
  }
  if (form.kind === 'correction' && !(form.reason >= 1 && form.reason <= 6)) errors.push({ field: 'reason', code: 'tx.form.correction_reason' });
  if (form.kind === 'dispute' && !(form.reason >= 1 && form.reason <= 4)) errors.push({ field: 'reason', code: 'tx.form.dispute_reason' });
  let total = 34;
  for (const [, name, value] of payloadFields(form.payload ?? {})) {
    add(name, checkText(value));
    total += 5 + utf8(value).length;
  }
  if (total > MAX_PAYLOAD_BYTES) errors.push({ field: 'payload', code: 'payload.too_large' });
  return errors;
}
