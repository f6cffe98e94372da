/**
 * The status API's numbers as tables (per site, per queue, per cron task) and each D1 database
 * as a bar against its 10 GB. The tables scroll inside their card on a phone (a focusable region,
 * so a keyboard can scroll them too). Every number cell carries the API's raw value in `data-value`, so
 * the Chromium test compares it with the API.
 */
import { component$ } from '@builder.io/qwik';
import { formatAge, formatBytes, formatCount, percentOf } from '../../lib/ops-format';
import type { Status } from './types';

const QUEUE_NAMES: Record<string, string> = { events: 'Events (pulse-events)', webhooks: 'Webhooks and channels (pulse-webhooks)' };
const time = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export const SitesTable = component$<{ status: Status }>(({ status }) => (
  <section class="card stack" aria-labelledby="ops-sites">
    <h2 id="ops-sites">Sites</h2>
    <p class="muted" style="margin:0">
      What waits in each site's SiteDO outbox for the Queue, how stale its rollups are, and today's events and drops (UTC day).
    </p>
    {status.sites.length === 0 ? (
      <p class="empty">No sites yet.</p>
    ) : (
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Sites (scrolls sideways)">
        <table data-testid="ops-sites">
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Outbox backlog</th>
              <th scope="col">Oldest pending</th>
              <th scope="col">Rollups refreshed</th>
              <th scope="col">Events today</th>
              <th scope="col">Drops today</th>
            </tr>
          </thead>
          <tbody>
            {status.sites.map((s) => {
              const drops = Object.entries(s.drops);
              return (
                <tr key={s.site} data-site={s.site}>
                  <th scope="row" style="overflow-wrap:anywhere">{s.site}</th>
                  <td data-col="outbox_pending" data-value={s.outbox_pending}>{formatCount(s.outbox_pending)}</td>
                  <td data-col="outbox_oldest_seconds" data-value={s.outbox_oldest_seconds ?? ''}>{s.outbox_oldest_seconds === null ? 'none waiting' : formatAge(s.outbox_oldest_seconds)}</td>
                  <td data-col="rollup_lag_seconds" data-value={s.rollup_lag_seconds ?? ''}>{s.rollup_lag_seconds === null ? 'never' : `${formatAge(s.rollup_lag_seconds)} ago`}</td>
                  <td data-col="events_today" data-value={s.events_today}>{formatCount(s.events_today)}</td>
                  <td data-col="drops">
                    {drops.length === 0 ? (
                      <span class="muted">none</span>
                    ) : (
                      drops.map(([reason, n]) => (
                        <span key={reason} data-drop={reason} data-value={n} style="display:block">
                          {reason}: {formatCount(n)}
                        </span>
                      ))
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    )}
  </section>
));

export const QueuesTable = component$<{ status: Status }>(({ status }) => (
  <section class="card stack" aria-labelledby="ops-queues">
    <h2 id="ops-queues">Queues</h2>
    <p class="muted" style="margin:0">
      Messages waiting for their consumer (the consumer lag) and in the dead-letter queue, from Cloudflare's analytics; dead letters kept
      in D1 are counted by Pulse. Rollups overall: {status.rollups.lag_seconds === null ? 'never refreshed' : `refreshed ${formatAge(status.rollups.lag_seconds)} ago at the stalest site`}.
    </p>
    <div class="table-scroll" tabIndex={0} role="region" aria-label="Queues (scrolls sideways)">
      <table data-testid="ops-queues">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">In the DLQ</th>
            <th scope="col">Dead letters kept</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(status.queues).map(([name, q]) => (
            <tr key={name} data-queue={name}>
              <th scope="row">{QUEUE_NAMES[name] ?? name}</th>
              <td data-col="backlog" data-value={q.backlog ?? ''}>{q.backlog === null ? '—' : `${formatCount(q.backlog)} (${formatBytes(q.backlog_bytes)})`}</td>
              <td data-col="dlq_backlog" data-value={q.dlq_backlog ?? ''}>{formatCount(q.dlq_backlog)}</td>
              <td data-col="dlq" data-value={q.dlq}>{formatCount(q.dlq)}</td>
              <td data-col="reason" class="muted" style="overflow-wrap:anywhere">{q.reason ?? (q.measured_at ? `sampled ${time(q.measured_at)}` : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </section>
));

export const CronTable = component$<{ status: Status }>(({ status }) => (
  <section class="card stack" aria-labelledby="ops-cron">
    <h2 id="ops-cron">Cron runs</h2>
    {status.cron.length === 0 ? (
      <p class="empty">No cron run recorded yet.</p>
    ) : (
      <div class="table-scroll" tabIndex={0} role="region" aria-label="Cron runs (scrolls sideways)">
        <table data-testid="ops-cron">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Last run</th>
              <th scope="col">Duration</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {status.cron.map((c) => (
              <tr key={c.name} data-cron={c.name} data-ok={String(c.ok)}>
                <th scope="row">{c.name}</th>
                <td data-col="last_run" data-value={c.last_run}><time dateTime={c.last_run}>{time(c.last_run)}</time></td>
                <td data-col="duration_ms" data-value={c.duration_ms}>{formatCount(c.duration_ms)} ms</td>
                <td data-col="ok" style="overflow-wrap:anywhere">{c.ok ? <span class="ok">ok</span> : <span class="error">failed: {c.error ?? 'no message'}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </section>
));

export const DatabaseBars = component$<{ status: Status }>(({ status }) => (
  <section class="card stack" aria-labelledby="ops-databases">
    <h2 id="ops-databases">D1 databases</h2>
    <ul class="stack" style="list-style:none;padding:0;margin:0" data-testid="ops-databases">
      {status.databases.map((d) => {
        const share = percentOf(d.size_bytes, d.limit_bytes);
        const label = `${d.binding}: ${formatBytes(d.size_bytes)} of ${formatBytes(d.limit_bytes)}${share === null ? '' : ` (${share}%)`}`;
        return (
          <li key={d.binding} data-database={d.binding} data-size={d.size_bytes ?? ''} data-limit={d.limit_bytes} data-percent={share ?? ''}>
            <span data-col="label">{label}</span>
            <div role="img" aria-label={label} style="height:0.75rem;border-radius:6px;background:var(--bar);overflow:hidden;margin-top:0.25rem">
              {/* at least a sliver, so a small database is still seen to have a bar */}
              <div style={`height:100%;width:${share === null ? 0 : Math.max(share, 0.5)}%;background:${(share ?? 0) >= 80 ? 'var(--bad)' : 'var(--accent)'}`} />
            </div>
          </li>
        );
      })}
    </ul>
  </section>
));
