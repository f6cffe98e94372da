/**
 * Test fixtures: visits described as a visitor, a start time, attribution and a list of steps,
 * written straight into `events` and `sessions` the way the consumer writes them (contract in the
 * query issue). Session fields are derived from the steps exactly as DESIGN §5 defines them.
 */

export interface Step {
  name?: string; // default pageview
  path?: string;
  /** seconds after the previous step */
  after?: number;
  props?: Record<string, string>;
  revenue?: [number, string];
  interactive?: boolean;
  scrollDepth?: number;
  engagedMs?: number;
}

export interface VisitSpec {
  visitor: number;
  identified?: boolean;
  /** ISO instant of the first step */
  at: string;
  hostname?: string;
  referrer?: string | null;
  source?: string;
  channel?: string;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  device?: string;
  browser?: string;
  os?: string;
  country?: string | null;
  region?: string | null;
  region_name?: string | null;
  city?: string | null;
}

type Row = Record<string, string | number | null>;

let counter = 0;

export class Fixture {
  readonly events: Row[] = [];
  readonly sessions: Row[] = [];

  /** goals as `Signup` (custom event) or `Visit /path*` (page goal) */
  constructor(readonly site: string, readonly timezone = 'UTC', readonly goals: string[] = []) {}

  visit(spec: VisitSpec, steps: Step[], insertedAt = 1): this {
    const sessionId = `s${++counter}`;
    let ts = Date.parse(spec.at);
    const attribution = {
      referrer: spec.referrer ?? null, source: spec.source ?? 'Direct / None', channel: spec.channel ?? 'Direct',
      utm_source: spec.utm_source ?? null, utm_medium: spec.utm_medium ?? null, utm_campaign: spec.utm_campaign ?? null,
      utm_content: null, utm_term: null, device: spec.device ?? 'Desktop', browser: spec.browser ?? 'Chrome',
      browser_version: '120', os: spec.os ?? 'Mac', os_version: '14', country: spec.country ?? null,
      region: spec.region ?? null, region_name: spec.region_name ?? null, city: spec.city ?? null,
    };
    const hostname = spec.hostname ?? this.site;
    const rows: Row[] = [];
    for (const step of steps) {
      ts += (step.after ?? 0) * 1000;
      rows.push({
        id: `e${++counter}`, site_id: this.site, ts, visitor_id: spec.visitor, session_id: sessionId,
        identified: spec.identified ? 1 : 0, name: step.name ?? 'pageview', hostname, pathname: step.path ?? '/',
        props: JSON.stringify(step.props ?? {}), revenue_amount: step.revenue?.[0] ?? null,
        revenue_currency: step.revenue?.[1] ?? null, interactive: step.interactive === false ? 0 : 1,
        scroll_depth: step.scrollDepth ?? null, engaged_ms: step.engagedMs ?? null, ...attribution, inserted_at: insertedAt,
      });
    }
    this.events.push(...rows);
    const counted = rows.filter((r) => r.name !== 'engagement');
    const pageviews = counted.filter((r) => r.name === 'pageview');
    const interactiveCustom = counted.filter((r) => r.name !== 'pageview' && r.interactive === 1 && r.name !== 'web-vital' && r.name !== 'error');
    const start = counted[0]!.ts as number;
    const end = counted.at(-1)!.ts as number;
    this.sessions.push({
      id: sessionId, site_id: this.site, visitor_id: spec.visitor, identified: spec.identified ? 1 : 0, version: 1,
      start, end, duration: Math.round((end - start) / 1000), pageviews: pageviews.length, events: counted.length,
      interactive_events: interactiveCustom.length, is_bounce: pageviews.length < 2 && interactiveCustom.length === 0 ? 1 : 0,
      entry_page: (pageviews[0]?.pathname as string) ?? null, exit_page: (pageviews.at(-1)?.pathname as string) ?? null,
      hostname, ...attribution, inserted_at: insertedAt,
    });
    return this;
  }

  async insert(db: D1Database): Promise<void> {
    await db.prepare('INSERT OR REPLACE INTO sites (id, timezone, settings, uid_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5)')
      .bind(this.site, this.timezone, '{}', 'secret', Date.parse('2020-01-01T00:00:00Z')).run();
    await insertRows(db, 'goals', this.goals.map((name, i) => {
      const page = name.startsWith('Visit ') ? name.slice('Visit '.length) : null;
      return { id: `${this.site}-g${i}`, site_id: this.site, kind: page ? 'page' : 'event', event_name: page ? null : name, page_path: page, display_name: name, created_at: 0 };
    }));
    await insertRows(db, 'events', this.events);
    await insertRows(db, 'sessions', this.sessions);
  }
}

/**
 * Inserts rows through one JSON parameter per chunk (D1 allows 100 bound parameters). `keep`
 * leaves rows whose id exists untouched, as the consumer writes events (a redelivery).
 */
export async function insertRows(db: D1Database, table: string, rows: Row[], onConflict: 'replace' | 'keep' = 'replace'): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const select = cols.map((c) => `json_extract(value, '$.${c}')`).join(', ');
  const stmts = [];
  for (let i = 0; i < rows.length; i += 500) {
    const verb = onConflict === 'replace' ? 'INSERT OR REPLACE' : 'INSERT OR IGNORE';
    stmts.push(db.prepare(`${verb} INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) SELECT ${select} FROM json_each(?1)`)
      .bind(JSON.stringify(rows.slice(i, i + 500))));
  }
  await db.batch(stmts);
}
