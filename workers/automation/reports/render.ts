/**
 * A digest as people read it: plain text (email and Slack) with a text sparkline, and HTML email
 * with an inline SVG sparkline (no image host, nothing fetched when the mail is opened). The
 * webhook body is the DESIGN §4b shape: `{"type": "report", "site", "period", "stats", "top"}`,
 * plus `daily` and `funnels` (each stored funnel's steps and overall conversion).
 */
import type { DigestContent } from './content';

const BARS = '▁▂▃▄▅▆▇█';

export function textSparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => BARS[max === 0 ? 0 : Math.round((v / max) * (BARS.length - 1))]).join('');
}

/** Points of a 240×48 polyline, the highest day at the top. */
export function svgSparkline(values: number[], width = 240, height = 48): string {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="visitors per day"><polyline fill="none" stroke="#4f46e5" stroke-width="2" points="${points}"/></svg>`;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const LABELS = { visitors: 'Visitors', visits: 'Visits', pageviews: 'Pageviews', bounce_rate: 'Bounce rate', visit_duration: 'Visit duration' } as const;

function formatStat(key: keyof typeof LABELS, value: number): string {
  if (key === 'bounce_rate') return `${value}%`;
  if (key === 'visit_duration') return `${Math.floor(value / 60)}m ${Math.round(value % 60)}s`;
  return value.toLocaleString('en-US');
}
const formatChange = (change: number | null) => (change === null ? '' : ` (${change > 0 ? '+' : ''}${change}%)`);

export function digestSubject(c: DigestContent, interval: 'weekly' | 'monthly'): string {
  return `${c.site}: your ${interval === 'weekly' ? 'week' : 'month'} ${c.period.from} – ${c.period.to}`;
}

export function digestText(c: DigestContent, dashboardUrl: string): string {
  const lines = (Object.keys(LABELS) as (keyof typeof LABELS)[]).map((k) => `${LABELS[k]}: ${formatStat(k, c.stats[k].value)}${formatChange(c.stats[k].change)}`);
  const list = (title: string, rows: { name: string; visitors: number }[]) => (rows.length ? [``, `${title}:`, ...rows.map((r) => `  ${r.name} — ${r.visitors}`)] : []);
  return [
    ...lines,
    `Visitors per day: ${textSparkline(c.daily.map((d) => d.visitors))}`,
    ...list('Top sources', c.top.sources),
    ...list('Top pages', c.top.pages),
    ...(c.top.goals.length ? ['', 'Goals:', ...c.top.goals.map((g) => `  ${g.name} — ${g.visitors} visitors, ${g.events} conversions`)] : []),
    ...c.funnels.flatMap((f) => ['', `Funnel ${f.name}: ${f.conversion_rate}% converted`, ...f.steps.map((s, i) => `  ${i + 1}. ${s.name} — ${s.visitors} (${s.conversion_rate}%)`)]),
    '',
    `Dashboard: ${dashboardUrl}`,
  ].join('\n');
}

export function digestHtml(c: DigestContent, dashboardUrl: string, unsubscribeUrl: string | null): string {
  const stats = (Object.keys(LABELS) as (keyof typeof LABELS)[])
    .map((k) => `<tr><td>${LABELS[k]}</td><td><b>${escape(formatStat(k, c.stats[k].value))}</b>${escape(formatChange(c.stats[k].change))}</td></tr>`).join('');
  const list = (title: string, rows: { name: string; visitors: number }[]) =>
    rows.length ? `<h3>${title}</h3><table>${rows.map((r) => `<tr><td>${escape(r.name)}</td><td>${r.visitors}</td></tr>`).join('')}</table>` : '';
  return `<!doctype html><html><body style="font-family:sans-serif">
<h2>${escape(c.site)}: ${escape(c.period.from)} – ${escape(c.period.to)}</h2>
<table>${stats}</table>
${svgSparkline(c.daily.map((d) => d.visitors))}
${list('Top sources', c.top.sources)}${list('Top pages', c.top.pages)}${list('Goals', c.top.goals)}${c.funnels.map(funnelHtml).join('')}
<p><a href="${escape(dashboardUrl)}">Open the dashboard</a></p>
${unsubscribeUrl ? `<p style="color:#666;font-size:12px"><a href="${escape(unsubscribeUrl)}">Unsubscribe</a> from this digest.</p>` : ''}
</body></html>`;
}

function funnelHtml(f: DigestContent['funnels'][number]): string {
  const rows = f.steps.map((s, i) => `<tr><td>${i + 1}. ${escape(s.name)}</td><td>${s.visitors}</td><td>${s.conversion_rate}%</td></tr>`).join('');
  return `<h3>Funnel ${escape(f.name)}: ${f.conversion_rate}% converted</h3><table>${rows}</table>`;
}

export const digestJson = (c: DigestContent) => ({ type: 'report', site: c.site, period: c.period, stats: c.stats, top: c.top, daily: c.daily, funnels: c.funnels });
