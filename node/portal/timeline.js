// A worker's career as a timeline model, from their decrypted entries: one
// lane per employer with employment, secondment and side-job bars, position
// and role changes as markers, corrections applied, disputes flagged, and
// the gaps between employments. Pure (no DOM): tested in
// tests/portal/timeline.test.mjs; timeline_view.js draws it.

const RETRACTING_REASONS = new Set([3, 4, 5]);  // wrong_subject, wrong_kind, retraction (data-model.md §5)

const dayNumber = (iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86400000);
const isoOf = (day) => new Date(day * 86400000).toISOString().slice(0, 10);

// entries: [{id, kind, employer, host_employer, effective_date, expected_end,
//   references, reason, fields, disputed, failed}] in log order.
// Returns the effective view: each original entry with its latest correction
// applied (or dropped when retracted), disputes folded into `disputed`.
export function effectiveEntries(entries) {
  const byId = new Map(entries.map((e) => [e.id, { ...e }]));
  const rootOf = (id) => {
    let e = byId.get(id);
    for (let guard = 0; e && e.kind === 'correction' && guard < 64; ++guard) e = byId.get(e.references[0]);
    return e;
  };
  const out = new Map();
  for (const e of entries) {
    if (e.failed || e.kind === 'dispute' || e.kind === 'correction') continue;
    out.set(e.id, { ...e, corrected: false });
  }
  for (const e of entries) {
    if (e.failed) continue;
    if (e.kind === 'dispute') {
      const target = rootOf(e.references[0]);
      if (target && out.has(target.id)) out.get(target.id).disputed = true;
      continue;
    }
    if (e.kind !== 'correction') continue;
    const root = rootOf(e.id);
    if (!root || !out.has(root.id)) continue;
    if (RETRACTING_REASONS.has(e.reason)) {
      out.delete(root.id);
      continue;
    }
    const current = out.get(root.id);
    Object.assign(current, { effective_date: e.effective_date, fields: e.fields, corrected: true,
      disputed: current.disputed || e.disputed });
  }
  return [...out.values()].sort((a, b) => (a.effective_date < b.effective_date ? -1 : a.effective_date > b.effective_date ? 1 : 0));
}

function label(fields) {
  return [fields?.position, fields?.department, fields?.duties].filter(Boolean).join(' · ');
}

// today: "YYYY-MM-DD", the end of open periods. names: {法人番号: name}.
export function buildTimeline(entries, today, names = {}) {
  const effective = effectiveEntries(entries);
  const lanes = new Map();
  const lane = (employer) => {
    if (!lanes.has(employer)) lanes.set(employer, { employer, name: names[employer] ?? employer, bars: [], markers: [] });
    return lanes.get(employer);
  };
  const endOf = (startId, endKind) => effective.find((x) => x.kind === endKind && x.references?.[0] === startId);
  const employments = [];
  for (const e of effective) {
    const base = { id: e.id, from: e.effective_date, disputed: !!e.disputed, corrected: e.corrected, fields: e.fields };
    if (e.kind === 'hire') {
      const separation = effective.find((x) => x.kind === 'separation' && x.employer === e.employer && x.effective_date >= e.effective_date);
      const bar = { ...base, type: 'employment', to: separation?.effective_date ?? today, open: !separation,
        endId: separation?.id, label: label(e.fields) };
      lane(e.employer).bars.push(bar);
      employments.push(bar);
    } else if (e.kind === 'secondment_start') {
      const end = endOf(e.id, 'secondment_end');
      lane(e.host_employer).bars.push({ ...base, type: 'secondment', to: end?.effective_date ?? today, open: !end,
        expected_end: e.expected_end, home: e.employer, endId: end?.id, label: label(e.fields) });
    } else if (e.kind === 'side_job_start') {
      const end = endOf(e.id, 'side_job_end');
      lane(e.employer).bars.push({ ...base, type: 'side_job', to: end?.effective_date ?? today, open: !end,
        endId: end?.id, label: label(e.fields) || e.fields?.work_pattern || '' });
    } else if (e.kind === 'position_change' || e.kind === 'role_change' || e.kind === 'separation') {
      lane(e.employer).markers.push({ ...base, kind: e.kind, date: e.effective_date, label: label(e.fields) });
    }
  }
  // Gaps: days covered by no employment, between the first hire and today.
  const gaps = [];
  const spans = employments.map((b) => [dayNumber(b.from), dayNumber(b.to)]).sort((a, b) => a[0] - b[0]);
  let covered = spans.length ? spans[0][1] : null;
  for (const [from, to] of spans.slice(1)) {
    if (from > covered + 1) gaps.push({ from: isoOf(covered + 1), to: isoOf(from - 1), days: from - covered - 1 });
    covered = Math.max(covered, to);
  }
  const dates = [...lanes.values()].flatMap((l) => [...l.bars.flatMap((b) => [b.from, b.to]), ...l.markers.map((m) => m.date)]);
  return {
    start: dates.length ? dates.reduce((a, b) => (a < b ? a : b)) : today,
    end: dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : today,
    lanes: [...lanes.values()],
    gaps,
  };
}
