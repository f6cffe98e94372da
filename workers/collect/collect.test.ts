import { env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createSite, siteStub } from '../../test/helpers/fixtures';
import { drainToD1 } from '../../test/helpers/drain';
import { makeKey } from '../../test/helpers/api';
import { archivedEvents } from '../../test/helpers/archive';
import type { StoredEvent } from '../../contract/events';

const CHROME_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const CF = { country: 'DE', regionCode: 'BE', region: 'Berlin', city: 'Berlin' };

function post(body: unknown, init: { ua?: string; ip?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  return SELF.fetch('https://pulse.test/api/event', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: {
      'content-type': init.contentType ?? 'text/plain',
      'user-agent': init.ua ?? CHROME_UA,
      'cf-connecting-ip': init.ip ?? '203.0.113.10',
      ...init.headers,
    },
    cf: CF,
  } as RequestInit);
}

describe('POST /api/event end to end', () => {
  it('lands a Plausible tracker payload in D1 and R2 exactly once, with the session fields', async () => {
    await createSite('e2e.example');
    // What Plausible's own script sends, as text/plain (no CORS preflight).
    const first = await post({ n: 'pageview', u: 'https://www.e2e.example/blog/hello?utm_source=newsletter&utm_medium=email&secret=1', d: 'e2e.example', r: 'https://mail.google.com/', w: 1280 });
    expect(first.status).toBe(202);
    expect(await first.text()).toBe('ok');
    expect(first.headers.get('x-pulse-dropped')).toBeNull();
    const second = await post({ name: 'pageview', url: 'https://e2e.example/pricing', domain: 'e2e.example', referrer: 'https://e2e.example/blog/hello' }, { contentType: 'application/json' });
    expect(second.status).toBe(202);
    const signup = await post({ n: 'Signup', u: 'https://e2e.example/pricing', d: 'e2e.example', p: { plan: 'pro' }, $: { amount: '19.90', currency: 'EUR' } });
    expect(signup.status).toBe(202);
    const phone = await post({ n: 'pageview', u: 'https://e2e.example/', d: 'e2e.example', r: 'https://www.google.com/' }, { ua: IPHONE_UA, ip: '198.51.100.20' });
    expect(phone.status).toBe(202);

    expect(await drainToD1('e2e.example', 'e2e.example', 4)).toBe(4);
    const events = await env.DB.prepare(
      'SELECT name, hostname, pathname, source, channel, utm_source, utm_medium, device, browser, os, country, region, region_name, city, props, revenue_amount, revenue_currency FROM events WHERE site_id = ? ORDER BY ts, name',
    ).bind('e2e.example').all();
    expect(events.results).toMatchObject([
      { name: 'pageview', hostname: 'e2e.example', pathname: '/blog/hello', source: 'newsletter', channel: 'Email', utm_source: 'newsletter', utm_medium: 'email', device: 'Desktop', browser: 'Chrome', os: 'Mac', country: 'DE', region: 'DE-BE', region_name: 'Berlin', city: 'Berlin', props: '{}' },
      { name: 'pageview', pathname: '/pricing' },
      { name: 'Signup', pathname: '/pricing', props: '{"plan":"pro"}', revenue_amount: 19.9, revenue_currency: 'EUR' },
      { name: 'pageview', pathname: '/', source: 'Google', channel: 'Organic Search', device: 'Mobile', browser: 'Safari', os: 'iOS' },
    ]);
    const sessions = await env.DB.prepare('SELECT pageviews, events, is_bounce, entry_page, exit_page, source, device, region, region_name FROM sessions WHERE site_id = ? ORDER BY pageviews DESC').bind('e2e.example').all();
    expect(sessions.results).toEqual([
      { pageviews: 2, events: 3, is_bounce: 0, entry_page: '/blog/hello', exit_page: '/pricing', source: 'newsletter', device: 'Desktop', region: 'DE-BE', region_name: 'Berlin' },
      { pageviews: 1, events: 1, is_bounce: 1, entry_page: '/', exit_page: '/', source: 'Google', device: 'Mobile', region: 'DE-BE', region_name: 'Berlin' },
    ]);

    const archived = await archivedEvents('e2e.example');
    expect(archived).toHaveLength(4);
    expect(JSON.stringify(archived)).not.toContain('203.0.113.10');
  });

  it('drops bots, spam referrers and unknown sites with 202 and x-pulse-dropped, counting the reason', async () => {
    await createSite('drops.example');
    const bot = await post({ n: 'pageview', u: 'https://drops.example/', d: 'drops.example' }, { ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    expect(bot.status).toBe(202);
    expect(bot.headers.get('x-pulse-dropped')).toBe('1');
    const headless = await post({ n: 'pageview', u: 'https://drops.example/', d: 'drops.example' }, { ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' });
    expect(headless.headers.get('x-pulse-dropped')).toBe('1');
    const spam = await post({ n: 'pageview', u: 'https://drops.example/', d: 'drops.example', r: 'http://semalt.com/' });
    expect(spam.headers.get('x-pulse-dropped')).toBe('1');
    const unknown = await post({ n: 'pageview', u: 'https://nobody.example/', d: 'nobody.example' });
    expect(unknown.status).toBe(202);
    expect(unknown.headers.get('x-pulse-dropped')).toBe('1');
    // one event for two sites, one of them unknown: one accepted, one dropped
    const multi = await post({ n: 'pageview', u: 'https://drops.example/', d: 'drops.example,nobody.example' });
    expect(multi.headers.get('x-pulse-dropped')).toBe('1');

    expect(await drainToD1('drops.example', 'drops.example', 1)).toBe(1);
    const counted = await env.DB.prepare('SELECT site_id, reason, sum(count) AS n FROM drop_counts WHERE site_id IN (?, ?) GROUP BY site_id, reason ORDER BY site_id, reason')
      .bind('drops.example', 'nobody.example').all();
    // Unknown sites are counted under one shared key, not the claimed domain (fan-out.attack.test.ts).
    expect(counted.results).toEqual([
      { site_id: 'drops.example', reason: 'bot', n: 2 },
      { site_id: 'drops.example', reason: 'spam_referrer', n: 1 },
    ]);
  });

  it('accepts a Pulse SDK batch (JSON array) as one request', async () => {
    await createSite('batch.example');
    const res = await post([
      { n: 'pageview', u: 'https://batch.example/a', d: 'batch.example' },
      { n: 'engagement', u: 'https://batch.example/a', d: 'batch.example', sd: 75, e: 12000 },
      { n: 'pageview', u: 'https://batch.example/b', d: 'batch.example' },
    ]);
    expect(res.status).toBe(202);
    expect(await drainToD1('batch.example', 'batch.example', 3)).toBe(3);
    const engagement = await env.DB.prepare("SELECT scroll_depth, engaged_ms FROM events WHERE site_id = 'batch.example' AND name = 'engagement'").first();
    expect(engagement).toEqual({ scroll_depth: 75, engaged_ms: 12000 });
  });
});

describe('bad input', () => {
  it('answers 400 naming the field', async () => {
    const res = await post({ n: 'pageview', d: 'e2e.example' });
    expect(res.status).toBe(400);
    // Plausible clients read `errors`; every Pulse error also has `error` and `code`.
    expect(await res.json()).toEqual({ error: 'invalid event', code: 'invalid_event', errors: { url: ['is required'] } });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('this is not json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_event', errors: { request: [expect.any(String)] } });
  });

  it('answers 400 for a url that is not an absolute http(s) url, for a known site too: invalid input, never a drop', async () => {
    await createSite('bad-url.example');
    for (const [u, message] of [
      ['not a url', 'must be an absolute url'],
      ['/relative/path', 'must be an absolute url'],
      ['javascript:alert(1)', 'must be an http or https url'],
    ]) {
      const res = await post({ n: 'pageview', u, d: 'bad-url.example', r: 'https://news.ycombinator.com/' });
      expect(res.status, u).toBe(400);
      expect(res.headers.get('x-pulse-dropped')).toBeNull();
      expect(await res.json()).toEqual({ error: 'invalid event', code: 'invalid_event', errors: { url: [message] } });
    }
    // Nothing reached the site's SiteDO, so nothing can have been counted as a drop.
    expect(await runDurableObjectAlarm(siteStub('bad-url.example'))).toBe(false);
  });

  it('answers 413 for a body over 64 KB, before parsing', async () => {
    const res = await post({ n: 'pageview', u: 'https://e2e.example/', d: 'e2e.example', p: { big: 'x'.repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request body over 64 KB', code: 'payload_too_large' });
  });

  it('answers 400 for a batch over 50 events', async () => {
    const res = await post(Array.from({ length: 51 }, () => ({ n: 'pageview', u: 'https://e2e.example/', d: 'e2e.example' })));
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as { errors: object }).errors)).toEqual(['events']);
  });

  it('ignores ts/ip/ua from an anonymous browser (only keys may set them)', async () => {
    await createSite('trust.example');
    const res = await post({ n: 'pageview', u: 'https://trust.example/', d: 'trust.example', ts: '2020-01-01T00:00:00Z', ip: '1.2.3.4' });
    expect(res.status).toBe(202);
    expect(await drainToD1('trust.example', 'trust.example', 1)).toBe(1);
    const ts = await env.DB.prepare("SELECT ts FROM events WHERE site_id = 'trust.example'").first<number>('ts');
    expect(Math.abs(ts! - Date.now())).toBeLessThan(60_000);
  });

  it('answers 429 with Retry-After to a flood from one IP, and keeps serving other IPs', async () => {
    let first429 = -1;
    // Up to two windows' worth: a minute boundary during the loop resets both counts once.
    for (let i = 0; i < 1400 && first429 < 0; i++) {
      const res = await post('{}', { ip: '192.0.2.250' });
      if (res.status === 429) {
        first429 = i;
        expect(res.headers.get('retry-after')).toBe('60');
        expect(await res.json()).toEqual({ error: 'too many events from this address', code: 'rate_limited' });
      } else {
        expect(res.status).toBe(400);
        await res.arrayBuffer();
      }
    }
    // 30 free per isolate-minute, then the binding's 600 per minute: never refused before 600
    expect(first429).toBeGreaterThanOrEqual(600);
    expect((await post('{}', { ip: '192.0.2.251' })).status).toBe(400);
  }, 90_000);

  it('answers 401 for a bad key on server-side ingestion, never 5xx', async () => {
    const res = await post({ n: 'pageview', u: 'https://e2e.example/', d: 'e2e.example' }, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'malformed token', code: 'invalid_token' });
  });
});

describe('server-side events and the site\'s retention', () => {
  const DAY = 86_400_000;

  it('takes a ts within the site\'s retention and answers 400 for an older one, judged per site', async () => {
    await createSite('retention-short.example', { retentionDays: 30 });
    await createSite('retention-long.example', { retentionDays: 400 });
    const { token } = await makeKey(['retention-short.example', 'retention-long.example'], 'events:write');
    const send = (ts: number, d = 'retention-short.example') =>
      post({ n: 'pageview', u: `https://${d}/`, d, ts }, { headers: { authorization: `Bearer ${token}` } });
    const tooOld = { error: 'invalid event', code: 'invalid_event', errors: { ts: ["is older than the site's retention of 30 days"] } };

    const inside = Date.now() - 30 * DAY + 60_000;
    expect((await send(inside)).status).toBe(202);
    const outside = await send(Date.now() - 30 * DAY - 60_000);
    expect(outside.status).toBe(400);
    expect(await outside.json()).toEqual(tooOld);
    // Epoch seconds sent by mistake land in 1970.
    const seconds = await send(Math.floor(Date.now() / 1000));
    expect(seconds.status).toBe(400);
    expect(await seconds.json()).toEqual(tooOld);
    // 100 days ago is fine for the long retention alone, and refused when the short one is named too.
    expect((await send(Date.now() - 100 * DAY, 'retention-long.example')).status).toBe(202);
    expect((await send(Date.now() - 100 * DAY, 'retention-long.example,retention-short.example')).status).toBe(400);

    expect(await drainToD1('retention-short.example', 'retention-short.example', 1)).toBe(1);
    expect(await drainToD1('retention-long.example', 'retention-long.example', 1)).toBe(1);
    const stored = await env.DB.prepare("SELECT ts FROM events WHERE site_id = 'retention-short.example'").first<number>('ts');
    expect(stored).toBe(inside);
  });
});

describe('drops of a sharded site', () => {
  it('are counted by shard 0 when every event of the request was dropped', async () => {
    await createSite('drops-sharded.example', { shards: 4 });
    const bot = await post({ n: 'pageview', u: 'https://drops-sharded.example/', d: 'drops-sharded.example' }, { ua: 'curl/8.5.0' });
    expect(bot.status).toBe(202);
    expect(bot.headers.get('x-pulse-dropped')).toBe('1');
    // Only `<site>#0` … `<site>#3` exist for this site (contract/shards.ts); no stray `<site>` object.
    expect(await runDurableObjectAlarm(siteStub('drops-sharded.example#0'))).toBe(true);
    let counted: unknown = null;
    for (let i = 0; i < 150 && counted === null; i++) {
      counted = await env.DB.prepare("SELECT reason, sum(count) AS n FROM drop_counts WHERE site_id = 'drops-sharded.example' GROUP BY reason").first();
      if (counted === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(counted).toEqual({ reason: 'bot', n: 1 });
  });
});
