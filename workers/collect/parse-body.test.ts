import { describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../contract/events';
import { HttpError } from '../lib/http-error';
import { parseEventBody, type ParseBodyOptions } from './parse-body';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const BROWSER: ParseBodyOptions = { trusted: false, now: NOW };
const SERVER: ParseBodyOptions = { trusted: true, now: NOW };

const parse = (body: unknown, opts = BROWSER) => parseEventBody(typeof body === 'string' ? body : JSON.stringify(body), opts);

function errorsOf(body: unknown, opts = BROWSER): unknown {
  try {
    parse(body, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    const e = err as HttpError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_event');
    return e.details;
  }
  throw new Error('expected a 400');
}

const DEFAULTS: IncomingEvent = {
  name: 'pageview',
  url: 'https://example.com/',
  domains: ['example.com'],
  referrer: null,
  props: {},
  revenue: null,
  interactive: true,
  hashMode: false,
  scrollDepth: null,
  engagedMs: null,
  uid: null,
  pid: null,
  ts: null,
  ip: null,
  ua: null,
};

describe('Plausible tracker payloads', () => {
  it('reads the short keys the tracker script sends', () => {
    const body = { n: 'pageview', u: 'https://www.example.com/blog?utm_source=x', d: 'example.com', r: 'https://news.ycombinator.com/', h: 1 };
    expect(parse(body)).toEqual([
      { ...DEFAULTS, url: 'https://www.example.com/blog?utm_source=x', referrer: 'https://news.ycombinator.com/', hashMode: true },
    ]);
  });

  it('reads the long keys of the Events API', () => {
    const body = {
      name: 'Signup',
      url: 'https://example.com/pricing',
      domain: 'example.com',
      referrer: 'https://google.com/',
      props: { plan: 'pro', seats: 5, annual: true },
      revenue: { amount: '49.90', currency: 'EUR' },
      interactive: false,
      hashMode: true,
    };
    expect(parse(body)).toEqual([
      {
        ...DEFAULTS,
        name: 'Signup',
        url: 'https://example.com/pricing',
        referrer: 'https://google.com/',
        props: { plan: 'pro', seats: '5', annual: 'true' },
        revenue: { amount: 49.9, currency: 'EUR' },
        interactive: false,
        hashMode: true,
      },
    ]);
  });

  it('splits a comma-separated domain into several sites, cleaned and de-duplicated', () => {
    const [event] = parse({ n: 'pageview', u: 'https://a.com/', d: ' WWW.A.com, b.org ,a.com,' });
    expect(event!.domains).toEqual(['a.com', 'b.org']);
  });

  it('accepts props sent as a JSON-encoded string (old trackers)', () => {
    const [event] = parse({ n: 'Download', u: 'https://a.com/', d: 'a.com', p: '{"file":"report.pdf","n":1}' });
    expect(event!.props).toEqual({ file: 'report.pdf', n: '1' });
  });

  it('accepts `m`/`meta` as props, as Plausible does', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', m: { k: 'v' } })[0]!.props).toEqual({ k: 'v' });
  });

  it('drops null, empty, object and array prop values and keeps the event', () => {
    const props = { keep: 'yes', nil: null, empty: '', blank: '  ', obj: { a: 1 }, arr: [1], zero: 0, no: false, ' ': 'blank key' };
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', p: props })[0]!.props).toEqual({ keep: 'yes', zero: '0', no: 'false' });
  });

  it('keeps the first 30 props and ignores the rest', () => {
    const props = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`k${i}`, `v${i}`]));
    const kept = parse({ n: 'x', u: 'https://a.com/', d: 'a.com', p: props })[0]!.props;
    expect(Object.keys(kept)).toHaveLength(30);
    expect(kept.k0).toBe('v0');
    expect(kept.k29).toBe('v29');
    expect(kept.k30).toBeUndefined();
  });

  it('ignores props that are not an object', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', p: [1, 2] })[0]!.props).toEqual({});
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', p: 'not json' })[0]!.props).toEqual({});
  });

  it('rejects a prop key over 300 bytes or a value over 2000 bytes', () => {
    const message = { errors: { props: ['keys should have at most 300 bytes and values 2000 bytes'] } };
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', p: { ['k'.repeat(301)]: 'v' } })).toEqual(message);
    // 'é' is 2 bytes: 1001 of them are 2002 bytes although only 1001 characters.
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', p: { k: 'é'.repeat(1001) } })).toEqual(message);
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', p: { ['k'.repeat(300)]: 'é'.repeat(1000) } })).toHaveLength(1);
  });

  it('turns an integer name into a string (404 tracking)', () => {
    expect(parse({ n: 404, u: 'https://a.com/', d: 'a.com' })[0]!.name).toBe('404');
  });

  it('takes interactive only from a real boolean', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', i: false })[0]!.interactive).toBe(false);
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', i: 'false' })[0]!.interactive).toBe(true);
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', i: 0 })[0]!.interactive).toBe(true);
  });

  it('reads hash mode from 1, true or "1" only', () => {
    const h = (value: unknown) => parse({ n: 'x', u: 'https://a.com/', d: 'a.com', h: value })[0]!.hashMode;
    expect([h(1), h(true), h('1'), h(0), h(false), h('yes'), h(2)]).toEqual([true, true, true, false, false, false, false]);
  });

  it('cuts a referrer to 2000 characters and ignores a non-string one', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', r: `https://b.com/${'x'.repeat(3000)}` })[0]!.referrer).toHaveLength(2000);
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', r: 42 })[0]!.referrer).toBeNull();
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', r: '' })[0]!.referrer).toBeNull();
  });
});

describe('revenue', () => {
  const revenue = (value: unknown) => parse({ n: 'Purchase', u: 'https://a.com/', d: 'a.com', $: value })[0]!.revenue;

  it('reads numbers, numeric strings and JSON-encoded objects', () => {
    expect(revenue({ amount: 19.99, currency: 'USD' })).toEqual({ amount: 19.99, currency: 'USD' });
    expect(revenue({ amount: '1200', currency: 'JPY' })).toEqual({ amount: 1200, currency: 'JPY' });
    expect(revenue('{"amount":"-5.5","currency":"gbp"}')).toEqual({ amount: -5.5, currency: 'GBP' });
  });

  it('drops revenue it cannot read and keeps the event, as Plausible does', () => {
    expect(revenue({ amount: 'ten', currency: 'USD' })).toBeNull();
    expect(revenue({ amount: 10, currency: 'US' })).toBeNull();
    expect(revenue({ amount: 10, currency: 'DOLLARS' })).toBeNull();
    expect(revenue({ amount: 10 })).toBeNull();
    expect(revenue(10)).toBeNull();
  });
});

describe('engagement', () => {
  const engagement = (extra: object) => parse({ n: 'engagement', u: 'https://a.com/', d: 'a.com', ...extra })[0]!;

  it('reads scroll depth and engaged time', () => {
    expect(engagement({ sd: 55, e: 12_345 })).toMatchObject({ scrollDepth: 55, engagedMs: 12_345 });
    expect(engagement({ sd: '80', e: '1000' })).toMatchObject({ scrollDepth: 80, engagedMs: 1000 });
    expect(engagement({ sd: 33.6, e: 999.4 })).toMatchObject({ scrollDepth: 34, engagedMs: 999 });
  });

  it('caps scroll depth at 100 and ignores a bad half when the other half is good', () => {
    expect(engagement({ sd: 140, e: -1 })).toMatchObject({ scrollDepth: 100, engagedMs: null });
    expect(engagement({ sd: -3, e: 500 })).toMatchObject({ scrollDepth: null, engagedMs: 500 });
    // 30 days or more is an old tracker's garbage (Plausible's kludge).
    expect(engagement({ sd: 10, e: 30 * 86_400_000 })).toMatchObject({ scrollDepth: 10, engagedMs: null });
  });

  it('rejects an engagement with neither field, in Plausible words', () => {
    expect(errorsOf({ n: 'engagement', u: 'https://a.com/', d: 'a.com', sd: 'x' })).toEqual({
      errors: { name: ["engagement event requires a valid integer value for at least one of 'sd' or 'e' fields"] },
    });
  });

  it('ignores sd and e on other events', () => {
    expect(parse({ n: 'pageview', u: 'https://a.com/', d: 'a.com', sd: 50, e: 10 })[0]).toMatchObject({ scrollDepth: null, engagedMs: null });
  });
});

describe('field errors', () => {
  it('names every missing required field', () => {
    expect(errorsOf({})).toEqual({ errors: { name: ['is required'], url: ['is required'], domain: ['is required'] } });
  });

  it('treats null like a missing key', () => {
    expect(errorsOf({ n: null, u: 'https://a.com/', d: 'a.com' })).toEqual({ errors: { name: ['is required'] } });
  });

  it('rejects blank and over-long names', () => {
    expect(errorsOf({ n: '  ', u: 'https://a.com/', d: 'a.com' })).toEqual({ errors: { name: ["can't be blank"] } });
    expect(errorsOf({ n: 'x'.repeat(121), u: 'https://a.com/', d: 'a.com' })).toEqual({ errors: { name: ['should be at most 120 characters'] } });
    expect(errorsOf({ n: { a: 1 }, u: 'https://a.com/', d: 'a.com' })).toEqual({ errors: { name: ['must be a string'] } });
    // 120 characters of 4 bytes each are fine: the limit counts characters.
    expect(parse({ n: '😀'.repeat(120), u: 'https://a.com/', d: 'a.com' })).toHaveLength(1);
  });

  it('wants an absolute http(s) url of at most 2000 bytes', () => {
    const url = (u: unknown) => errorsOf({ n: 'x', u, d: 'a.com' });
    expect(url('/relative')).toEqual({ errors: { url: ['must be an absolute url'] } });
    expect(url('data:text/html,hi')).toEqual({ errors: { url: ['must be an http or https url'] } });
    expect(url('ftp://a.com/')).toEqual({ errors: { url: ['must be an http or https url'] } });
    expect(url(42)).toEqual({ errors: { url: ['must be a string'] } });
    expect(url('')).toEqual({ errors: { url: ["can't be blank"] } });
    expect(url(`https://a.com/${'x'.repeat(1987)}`)).toEqual({ errors: { url: ['should be at most 2000 bytes'] } });
    expect(parse({ n: 'x', u: `https://a.com/${'x'.repeat(1986)}`, d: 'a.com' })).toHaveLength(1);
  });

  it('requires a domain and rejects a blank one', () => {
    expect(errorsOf({ n: 'x', u: 'https://a.com/' })).toEqual({ errors: { domain: ['is required'] } });
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: ' , ' })).toEqual({ errors: { domain: ["can't be blank"] } });
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: ['a.com'] })).toEqual({ errors: { domain: ['must be a string'] } });
  });

  it('accepts a uid up to 256 characters from a keyed call, numeric ids as strings', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', uid: 'user_1' }, SERVER)[0]!.uid).toBe('user_1');
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', uid: 12345 }, SERVER)[0]!.uid).toBe('12345');
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', uid: 'u'.repeat(256) }, SERVER)[0]!.uid).toHaveLength(256);
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', uid: 'u'.repeat(257) }, SERVER)).toEqual({ errors: { uid: ['should be at most 256 characters'] } });
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', uid: { id: 1 } }, SERVER)).toEqual({ errors: { uid: ['must be a string'] } });
  });

  it("accepts the SDK's persistent anonymous id (pid) and rejects anything else in it", () => {
    expect(parse({ n: 'pageview', u: 'https://a.com/', d: 'a.com', pid: 'k3Jd9_x-Q2' })[0]!.pid).toBe('k3Jd9_x-Q2');
    expect(parse({ n: 'pageview', u: 'https://a.com/', d: 'a.com' })[0]!.pid).toBeNull();
    const message = ['must be 8 to 64 letters, digits, - or _'];
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', pid: 'short' })).toEqual({ errors: { pid: message } });
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', pid: 'has spaces in it' })).toEqual({ errors: { pid: message } });
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', pid: 12345678 })).toEqual({ errors: { pid: message } });
  });
});

describe('request errors', () => {
  it('rejects a body that is not JSON with Plausible message', () => {
    expect(errorsOf('n=pageview&u=x')).toEqual({ errors: { request: ['Unable to parse request body as json'] } });
    expect(errorsOf('')).toEqual({ errors: { request: ['Unable to parse request body as json'] } });
  });

  it('rejects JSON that is neither an object nor an array', () => {
    for (const body of ['null', '42', '"pageview"', 'true']) {
      expect(errorsOf(body)).toEqual({ errors: { request: ['must be a JSON object or an array of events'] } });
    }
  });
});

describe('Pulse batches', () => {
  const event = (i: number, extra: object = {}) => ({ n: 'pageview', u: `https://a.com/${i}`, d: 'a.com', ...extra });

  it('accepts a JSON array and {"events": [...]} alike, in order', () => {
    const fromArray = parse([event(1), event(2)]);
    const fromObject = parse({ events: [event(1), event(2)] });
    expect(fromArray.map((e) => e.url)).toEqual(['https://a.com/1', 'https://a.com/2']);
    expect(fromObject).toEqual(fromArray);
  });

  it('accepts 50 events and refuses 0 or 51', () => {
    expect(parse(Array.from({ length: 50 }, (_, i) => event(i)))).toHaveLength(50);
    const message = { errors: { events: ['must hold between 1 and 50 events'] } };
    expect(errorsOf([])).toEqual(message);
    expect(errorsOf(Array.from({ length: 51 }, (_, i) => event(i)))).toEqual(message);
    expect(errorsOf({ events: 'nope' })).toEqual({ errors: { events: ['must be an array of events'] } });
  });

  it('prefixes field errors with the event index', () => {
    expect(errorsOf([event(0), { n: 'pageview', d: 'a.com' }, 7, event(3, { n: '' })])).toEqual({
      errors: {
        'events[1].url': ['is required'],
        'events[2]': ['must be an object'],
        'events[3].name': ["can't be blank"],
      },
    });
  });

  it('requires every event of a batch to name the same site', () => {
    expect(parse([event(0, { d: 'a.com,b.com' }), event(1, { d: 'b.com, www.a.com' })])).toHaveLength(2);
    expect(errorsOf([event(0), event(1, { d: 'b.com' }), event(2)])).toEqual({
      errors: { 'events[1].domain': ['must name the same site as events[0]'] },
    });
  });

  it('still reads a single event that has a prop called events', () => {
    expect(parse({ n: 'x', u: 'https://a.com/', d: 'a.com', events: [1] })).toHaveLength(1);
  });
});

describe('trusted fields', () => {
  const trusted = (extra: object, opts = SERVER) => parse({ n: 'x', u: 'https://a.com/', d: 'a.com', ...extra }, opts)[0]!;

  it('are silently ignored on browser calls', () => {
    const event = trusted({ ts: '2026-11-01T00:00:00Z', ip: '203.0.113.9', ua: 'Mozilla/5.0' }, BROWSER);
    expect(event).toMatchObject({ ts: null, ip: null, ua: null });
    // Even invalid values: a browser gets no say, and no error either.
    expect(trusted({ ts: 'garbage', ip: 'nope' }, BROWSER)).toMatchObject({ ts: null, ip: null });
  });

  it('reads ts as ISO 8601 or epoch milliseconds', () => {
    const nov1 = Date.parse('2026-11-01T00:00:00Z');
    expect(trusted({ ts: '2026-11-01T00:00:00Z' }).ts).toBe(nov1);
    expect(trusted({ ts: '2026-11-01T00:00:00.250Z' }).ts).toBe(nov1 + 250);
    expect(trusted({ ts: '2026-11-01T01:30:00+01:30' }).ts).toBe(nov1);
    expect(trusted({ ts: '2026-11-01T01:00:00+0100' }).ts).toBe(nov1);
    // No offset means UTC.
    expect(trusted({ ts: '2026-11-01T00:00:00' }).ts).toBe(nov1);
    expect(trusted({ ts: '2026-11-01 00:00' }).ts).toBe(nov1);
    expect(trusted({ ts: '2026-11-01' }).ts).toBe(nov1);
    expect(trusted({ ts: nov1 }).ts).toBe(nov1);
    expect(trusted({ ts: String(nov1) }).ts).toBe(nov1);
  });

  it('rejects a ts that is malformed or in the future, and leaves retention to the site (collect.test.ts)', () => {
    const ts = (value: unknown, opts = SERVER) => errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', ts: value }, opts);
    const malformed = { errors: { ts: ['must be an ISO 8601 date-time or epoch milliseconds'] } };
    expect(ts('yesterday')).toEqual(malformed);
    expect(ts('2026-13-01T00:00:00Z')).toEqual(malformed);
    expect(ts(1.5)).toEqual(malformed);
    expect(ts(NOW + 60_001)).toEqual({ errors: { ts: ['must not be in the future'] } });
    expect(trusted({ ts: NOW + 60_000 }).ts).toBe(NOW + 60_000);
    // Parsing knows no site, so only the future is checked here: an event may name several sites
    // with different retentions, and fan-out.ts judges each (the 400 is tested end to end).
    expect(trusted({ ts: NOW - 30 * 86_400_000 - 1 }).ts).toBe(NOW - 30 * 86_400_000 - 1);
    expect(trusted({ ts: 0 }).ts).toBe(0);
  });

  it('reads an IPv4 or IPv6 address and a user agent', () => {
    expect(trusted({ ip: '203.0.113.9', ua: 'Mozilla/5.0 (X11)' })).toMatchObject({ ip: '203.0.113.9', ua: 'Mozilla/5.0 (X11)' });
    expect(trusted({ ip: '2001:DB8::1' }).ip).toBe('2001:db8::1');
    expect(trusted({ ip: '::ffff:192.0.2.1' }).ip).toBe('::ffff:192.0.2.1');
    for (const ip of ['256.1.1.1', '1.2.3', 'example.com', '2001:db8::g', '1:2:3:4:5:6:7:8:9', 42]) {
      expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', ip }, SERVER)).toEqual({ errors: { ip: ['must be an IP address'] } });
    }
    expect(errorsOf({ n: 'x', u: 'https://a.com/', d: 'a.com', ua: 5 }, SERVER)).toEqual({ errors: { ua: ['must be a string'] } });
  });
});
