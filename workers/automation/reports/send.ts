/**
 * Sending a digest: its content once, then every channel — each email with its own unsubscribe
 * link (and RFC 8058 List-Unsubscribe headers), Slack as text, webhooks as JSON. The cron sends
 * each report's last complete period once: it claims the period with a conditional update, so an
 * overlapping run finds it claimed and sends nothing; a failed send gives the claim back.
 */
import type { Env } from '../../env';
import type { ReportRow } from '../../db/rows';
import { dataBindings, databaseOf, sitePlacement } from '../../lib/site-db';
import { siteFromRow, type SiteConfig, type SiteConfigRow } from '../../lib/site-config';
import { notifyChannels, type Channel } from '../channels';
import { digestContent } from './content';
import { isDue, lastPeriod, type DigestPeriod, type Interval } from './periods';
import { digestHtml, digestJson, digestSubject, digestText } from './render';
import { publicOrigin, unsubscribeUrl } from './unsubscribe';

export async function sendDigest(env: Env, site: SiteConfig, report: ReportRow, period: DigestPeriod, now: number): Promise<void> {
  const content = await digestContent(env, site, period, now);
  const dashboard = `${(env.PULSE_DASHBOARD_URL ?? publicOrigin(env)).replace(/\/+$/, '')}/sites/${encodeURIComponent(site.id)}?period=custom&from=${period.from}&to=${period.to}`;
  const subject = digestSubject(content, report.interval as Interval);
  const text = digestText(content, dashboard);
  const json = digestJson(content);
  const channels = JSON.parse(report.channels) as Channel[];
  const others = channels.filter((c) => c.type !== 'email');
  if (others.length) await notifyChannels(env, site.id, { id: report.id, type: 'report' }, period.label, others, { subject, text, json });
  for (const channel of channels) {
    if (channel.type !== 'email') continue;
    const unsubscribe = await unsubscribeUrl(env, report, channel.to);
    const notice = { subject, text: `${text}\n\nUnsubscribe: ${unsubscribe}`, json };
    await notifyChannels(env, site.id, { id: report.id, type: 'report' }, period.label, [channel], notice, digestHtml(content, dashboard, unsubscribe), {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  }
}

/** The hourly cron: every report whose last complete period is due and not yet sent. */
export async function runDigests(env: Env, now: number): Promise<{ sent: number; failures: string[] }> {
  const { results: siteRows } = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites').all<SiteConfigRow>();
  const sites = new Map(siteRows.map((row) => [row.id, row]));
  const report = { sent: 0, failures: [] as string[] };
  for (const binding of dataBindings(env)) {
    const db = databaseOf(env, binding);
    const { results } = await db.prepare('SELECT * FROM reports ORDER BY site_id').all<ReportRow>();
    for (const row of results) {
      const siteRow = sites.get(row.site_id);
      if (!siteRow || (await sitePlacement(env, row.site_id)).binding !== binding) continue;
      const site = siteFromRow(siteRow);
      const period = lastPeriod(row.interval as Interval, now, site.timezone);
      if (row.last_sent_period === period.label || !isDue(period, now, site.timezone)) continue;
      const claim = await db.prepare('UPDATE reports SET last_sent_period = ? WHERE id = ? AND last_sent_period IS ?').bind(period.label, row.id, row.last_sent_period).run();
      if (!claim.meta.changes) continue; // another run has it
      try {
        await sendDigest(env, site, row, period, now);
        report.sent++;
      } catch (err) {
        report.failures.push(row.id);
        console.error(`digest ${row.id} of ${row.site_id} failed; the next run tries again`, err instanceof Error ? err.message : err);
        await db.prepare('UPDATE reports SET last_sent_period = ? WHERE id = ? AND last_sent_period = ?').bind(row.last_sent_period, row.id, period.label).run();
      }
    }
  }
  return report;
}
