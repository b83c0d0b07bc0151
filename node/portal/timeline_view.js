// Draws a timeline model (timeline.js) as lanes of positioned bars: plain
// elements with text labels and titles, so screen readers read each period.
import { el } from './dom.js';
import { t } from './i18n.js';

const day = (iso) => Date.parse(`${iso}T00:00:00Z`);

export function timelineView(model) {
  const from = day(model.start);
  const span = Math.max(day(model.end) - from, 86400000);
  const at = (iso) => `${(((day(iso) - from) / span) * 100).toFixed(3)}%`;
  const width = (a, b) => `${Math.max(((day(b) - day(a)) / span) * 100, 0.4).toFixed(3)}%`;
  const firstYear = Number(model.start.slice(0, 4)) + 1;
  const lastYear = Number(model.end.slice(0, 4));
  const step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 12));
  const ticks = [];
  for (let y = firstYear; y <= lastYear; y += step) ticks.push(el('span', { 'data-left': at(`${y}-01-01`) }, y));
  const typeText = (type) => t(`timeline.${type}`);
  const lanes = model.lanes.map((lane) => el('div', { class: 'lane', 'data-employer': lane.employer },
    el('div', { class: 'lane-name' }, lane.name),
    el('div', { class: 'lane-track' },
      lane.bars.map((b) => el('div', {
        class: `bar ${b.type}${b.open ? ' open' : ''}`, 'data-left': at(b.from), 'data-width': width(b.from, b.to),
        'data-entry': b.id, 'data-type': b.type,
        title: `${typeText(b.type)} ${b.from} – ${b.open ? t('timeline.now') : b.to}${b.label ? ` · ${b.label}` : ''}`,
      }, `${typeText(b.type)} ${b.from.slice(0, 7)}–${b.open ? '' : b.to.slice(0, 7)}${b.label ? ` ${b.label}` : ''}`,
      b.disputed ? el('span', { class: 'tag disputed' }, t('timeline.disputed')) : null)),
      lane.markers.map((m) => el('div', {
        class: `marker${m.disputed ? ' disputed' : ''}`, 'data-left': at(m.date), 'data-entry': m.id, role: 'img',
        'aria-label': `${t(`kind.${m.kind}`)} ${m.date} ${m.label}`, title: `${t(`kind.${m.kind}`)} ${m.date} ${m.label}`,
      })))));
  const gapLane = model.gaps.length ? el('div', { class: 'lane', 'data-employer': 'gaps' },
    el('div', { class: 'lane-name' }, t('timeline.gaps')),
    el('div', { class: 'lane-track' }, model.gaps.map((g) => el('div', {
      class: 'bar gap', 'data-left': at(g.from), 'data-width': width(g.from, g.to), 'data-type': 'gap',
      title: `${t('timeline.gap')} ${g.from} – ${g.to} (${g.days} ${t('timeline.days')})`,
    }, `${t('timeline.gap')} ${g.days}${t('timeline.days')}`)))) : null;
  const view = el('figure', { class: 'timeline', id: 'timeline', 'aria-label': t('timeline.title') },
    el('div', { class: 'axis', 'aria-hidden': 'true' }, ticks), lanes, gapLane,
    el('figcaption', { class: 'legend' },
      ['employment', 'secondment', 'side_job', 'gap'].map((type) => el('span', { 'data-legend': type }, typeText(type)))));
  // Positions are applied through CSSOM (allowed by the CSP), not style attributes (which it blocks).
  for (const node of view.querySelectorAll('[data-left]')) node.style.left = node.dataset.left;
  for (const node of view.querySelectorAll('[data-width]')) node.style.width = node.dataset.width;
  return view;
}
