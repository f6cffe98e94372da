/**
 * The Worker behind `npm run bench:query` (bundled by bench/query.mjs, run in Miniflare with a local
 * D1): migrates, refreshes the rollups, and runs queries with a chosen plan, reporting D1 rows read.
 * The rows come from query-data.ts, written by bench/bulk-load.mjs straight into D1's SQLite file
 * (ten million rows through the Worker's binding would take most of an hour).
 */
import { QueryDb } from '../workers/query/db';
import { refreshRollups } from '../workers/rollups/refresh';
import { runQuery } from '../workers/query/run-query';
import { runFunnel } from '../workers/reports/funnels/run-funnel';
import { parseSteps, parseWindow } from '../workers/reports/funnels/steps';
import { runJourneys } from '../workers/reports/journeys/run-journeys';
import { journeyDaysStatements, settledBefore } from '../workers/reports/journeys/preagg-write';
import { buildSpans, lastQuietDay } from '../workers/reports/journeys/spans-write';
import { localDay } from '../workers/lib/timezone';
import { claimSite, runGuarded } from '../workers/rollups/run-lock';
import { runRetention } from '../workers/reports/retention/run-retention';
import type { Env } from '../workers/env';
import { FIRST_DAY, NOW, SITE, TZ } from './query-data';

/** bench/query.mjs's 'funnel, 4 steps' (the same list there) */
const FUNNEL_STEPS = [['is', 'event:page', ['/']], ['is', 'event:page', ['/docs/1']], ['contains', 'event:page', ['/blog/']], 'g1'];
import { parseReportRequest } from '../workers/reports/report-request';
import { runVitalsReport } from '../workers/reports/vitals/report';
import { DEFAULT_LIMIT } from '../workers/reports/vitals/routes';
import { listErrorGroups } from '../workers/reports/errors/report';

async function json(request: Request): Promise<Record<string, unknown>> {
  return (await request.json()) as Record<string, unknown>;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/migrate') {
        for (const sql of (await json(request)).statements as string[]) await env.DB.prepare(sql).run();
        await env.DB.prepare("INSERT OR REPLACE INTO sites (id, timezone, settings, uid_secret, created_at) VALUES (?1, ?2, '{}', 'x', ?3)").bind(SITE, TZ, FIRST_DAY).run();
        await env.DB.prepare("INSERT OR REPLACE INTO goals (id, site_id, kind, event_name, page_path, display_name, created_at) VALUES ('g1', ?1, 'event', 'Signup', NULL, 'Signup', 0), ('g2', ?1, 'page', NULL, '/pricing', 'Visit /pricing', 0)").bind(SITE).run();
        // the stored funnel the report 'funnel, 4 steps' asks by its steps (the refresh keeps its daily rows)
        await env.DB.prepare("INSERT OR REPLACE INTO funnels (id, site_id, name, steps, created_at) VALUES ('bench-f4', ?1, 'bench, 4 steps', ?2, 0)").bind(SITE, JSON.stringify(FUNNEL_STEPS)).run();
        return Response.json({ ok: true });
      }
      if (url.pathname === '/refresh') {
        // the cron's own budget per run; the bench calls again while days are pending
        const db = new QueryDb(env.DB);
        db.profile = [];
        const at = ((await json(request)).now as number | undefined) ?? NOW;
        const started = Date.now();
        const run = await refreshRollups(env, at, 60_000, db);
        const ms = Date.now() - started;
        const r = await env.DB.prepare('SELECT (SELECT count(*) FROM rollup_daily) + (SELECT count(*) FROM rollup_pairs) AS daily, (SELECT count(*) FROM rollup_hourly) AS hourly').first();
        const costliest = db.profile.sort((a, b) => b.rowsRead + 1000 * b.rowsWritten - (a.rowsRead + 1000 * a.rowsWritten)).slice(0, 6)
          .map((p) => ({ ...p, sql: p.sql.replace(/\s+/g, ' ').slice(0, 90) }));
        // what keeping the session ledger cost (the rebuild before the incremental refresh kept none)
        const ledger = db.profile.filter((p) => p.sql.includes('INTO rollup_ledger'));
        const ledgerRead = ledger.reduce((n, p) => n + p.rowsRead, 0);
        const ledgerWritten = ledger.reduce((n, p) => n + p.rowsWritten, 0);
        // what the vitals and errors reports' pre-aggregates cost (workers/reports/refresh.ts)
        const reports = db.profile.filter((p) => /INTO (vitals|errors)_daily/.test(p.sql));
        const reportRead = reports.reduce((n, p) => n + p.rowsRead, 0);
        const reportWritten = reports.reduce((n, p) => n + p.rowsWritten, 0);
        // what the retention report's pre-aggregates cost (workers/reports/retention/preagg.ts)
        const retention = db.profile.filter((p) => p.sql.includes('behaviour_visitor_'));
        const retentionRead = retention.reduce((n, p) => n + p.rowsRead, 0);
        const retentionWritten = retention.reduce((n, p) => n + p.rowsWritten, 0);
        // what the stored funnels' rows cost (workers/reports/funnels/preagg.ts): their step-event reads and funnel_daily writes
        const funnels = db.profile.filter((p) => / AS o FROM events e |funnel_daily|funnel_preagg/.test(p.sql));
        const funnelRead = funnels.reduce((n, p) => n + p.rowsRead, 0);
        const funnelWritten = funnels.reduce((n, p) => n + p.rowsWritten, 0);
        // what the journeys report's pre-aggregate costs (workers/reports/journeys/preagg-write.ts)
        const journeys = db.profile.filter((p) => p.sql.includes('journey_daily'));
        const journeysRead = journeys.reduce((n, p) => n + p.rowsRead, 0);
        const journeysWritten = journeys.reduce((n, p) => n + p.rowsWritten, 0);
        const spans = db.profile.filter((p) => p.sql.includes('journey_span'));
        const spansRead = spans.reduce((n, p) => n + p.rowsRead, 0);
        const spansWritten = spans.reduce((n, p) => n + p.rowsWritten, 0);
        return Response.json({
          ...run, ...r, ms, rowsRead: db.rowsRead, rowsWritten: db.rowsWritten, ledgerRead, ledgerWritten, reportRead, reportWritten, retentionRead, retentionWritten, funnelRead, funnelWritten, journeysRead, journeysWritten, spansRead, spansWritten, costliest,
        });
      }
      if (url.pathname === '/journeys-backfill') {
        // a state loaded before journey_daily existed: its days through the rebuild's journeys writer, as one refresh run
        const db = new QueryDb(env.DB);
        db.profile = [];
        const { token, state } = await claimSite(db, SITE, NOW);
        const days = (await db.all<{ day: string }>("SELECT day FROM rollup_daily r WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND val = '' AND val2 = ''"
          + " AND NOT EXISTS (SELECT 1 FROM journey_daily j WHERE j.site_id = ?1 AND j.day = r.day AND j.list = 'n' AND j.key = '') ORDER BY day", [SITE])).map((d) => d.day);
        const started = Date.now();
        // a few days a call: a request must answer within the client's five minutes
        const now = days.slice(0, 2);
        for (const day of now) await runGuarded(db, SITE, token, await journeyDaysStatements(db, SITE, TZ, [day], settledBefore(state.watermark)));
        // then the spans of the quiet days (as the refresh builds them when a day turns quiet), a minute's a call;
        // from two days before the first loaded one, so a span starting on the empty day before it is built too
        const spans = days.length ? { built: 0, left: 1 } : await buildSpans(db, SITE, localDay(FIRST_DAY - 2 * 86_400_000, TZ), lastQuietDay(settledBefore(state.watermark), TZ), (stmts) => runGuarded(db, SITE, token, stmts), started + 60_000);
        const rows = await env.DB.prepare('SELECT (SELECT count(*) FROM journey_daily WHERE site_id = ?1) AS n, (SELECT count(*) FROM journey_span_rows WHERE site_id = ?1) AS spans').bind(SITE).first<{ n: number; spans: number }>();
        return Response.json({
          days: now.length, spans: spans.built, left: days.length - now.length + spans.left, ms: Date.now() - started, rowsRead: db.rowsRead, rowsWritten: db.rowsWritten, rows: rows?.n, spanRows: rows?.spans,
        });
      }
      if (url.pathname === '/query') {
        const { body, mode } = (await json(request)) as { body: Record<string, unknown>; mode: 'auto' | 'raw' };
        const db = new QueryDb(env.DB);
        const trace: ('rollup' | 'raw')[] = [];
        const res = await runQuery(env.DB, SITE, { site_id: SITE, ...body }, NOW, { mode, maxRawRows: Infinity, trace }, db);
        return Response.json({ rowsRead: db.rowsRead, statements: db.statements, trace, rows: res.results.length, first: res.results[0] });
      }
      if (url.pathname === '/report') {
        // the behaviour reports (workers/reports/), raw plans with no row bound: the bench measures them
        const { kind, params, plan } = (await json(request)) as { kind: 'funnel' | 'retention' | 'journeys'; params: Record<string, unknown>; plan?: 'raw' | 'pre-aggregated' };
        const db = new QueryDb(env.DB);
        const opts = { maxRawRows: Infinity, plan: plan ?? 'raw' };
        // a funnel without a forced plan goes through the planner (its stored funnel's rows when they cover the range)
        const res = kind === 'funnel'
          ? await runFunnel(db, SITE, { funnel: { id: null, name: 'bench' }, steps: parseSteps(params.steps), rawSteps: params.steps, dateRange: params.date_range, filters: params.filters, window: parseWindow(params.window) }, NOW, { maxRawRows: Infinity, plan })
          : kind === 'retention'
            ? await runRetention(db, SITE, { interval: params.interval as 'week', dateRange: params.date_range ?? null, filters: params.filters }, NOW, opts)
            // journeys without a forced plan go through their planner too (journey_daily when it covers the range)
            : await runJourneys(db, SITE, { start: (params.start as string | undefined) ?? null, steps: 5, limit: 20, dateRange: params.date_range, filters: params.filters }, NOW, { maxRawRows: Infinity, plan });
        return Response.json({ rowsRead: db.rowsRead, statements: db.statements, answer: res });
      }
      if (url.pathname === '/perf-report') {
        // the vitals and errors reports as their routes run them (`query` is the route's query string)
        const { report, query } = (await json(request)) as { report: 'vitals' | 'errors'; query: string };
        const db = new QueryDb(env.DB);
        const params = new URL(`https://bench/?${query}`);
        const req = parseReportRequest(params, { id: SITE, timezone: TZ, createdAt: FIRST_DAY }, NOW);
        const res = report === 'vitals'
          ? await runVitalsReport(db, req, { dimension: params.searchParams.get('dimension') as 'event:page' | null, limit: DEFAULT_LIMIT, timeseries: params.searchParams.get('include') === 'timeseries' })
          : await listErrorGroups(db, req, 20);
        return Response.json({ rowsRead: db.rowsRead, statements: db.statements, trace: ['method' in res.meta ? res.meta.method : 'rollup'], rows: res.results.length, first: res.results[0] });
      }
      return new Response('not found', { status: 404 });
    } catch (e) {
      return Response.json({ error: (e as Error).stack ?? String(e) }, { status: 500 });
    }
  },
};
