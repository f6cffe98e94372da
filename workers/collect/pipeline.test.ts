import { describe, expect, it } from 'vitest';
import { parseEventBody } from './parse-body';
import { runPipeline, type RequestContext } from './pipeline';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const REQ: RequestContext = {
  ip: '203.0.113.10',
  ua: CHROME,
  cf: { country: 'DE', regionCode: 'BE', region: 'Berlin', city: 'Berlin' } as unknown as IncomingRequestCfProperties,
  now: NOW,
};

// Events enter the pipeline the way the route hands them over: parsed by parse-body.
const run = (body: object, req: Partial<RequestContext> = {}, trusted = false) => runPipeline(parseEventBody(JSON.stringify(body), { trusted, now: NOW })[0]!, { ...REQ, ...req });

describe('runPipeline', () => {
  it('turns a parsed event into the event a site receives: page, source, geo and device attached', () => {
    expect(run({ n: 'Signup', u: 'https://www.a.com/pricing?utm_source=news&q=secret', d: 'a.com', r: 'https://www.google.com/search?q=x', p: { plan: 'pro' } })).toEqual({
      ts: NOW,
      name: 'Signup',
      hostname: 'a.com',
      pathname: '/pricing',
      props: { plan: 'pro' },
      revenue: null,
      interactive: true,
      scrollDepth: null,
      engagedMs: null,
      uid: null,
      ip: '203.0.113.10',
      ua: CHROME,
      referrer: 'google.com/search',
      source: 'news',
      channel: 'Referral',
      utmSource: 'news',
      utmMedium: null,
      utmCampaign: null,
      utmContent: null,
      utmTerm: null,
      country: 'DE',
      region: 'DE-BE',
      regionName: 'Berlin',
      city: 'Berlin',
      device: 'Desktop',
      browser: 'Chrome',
      browserVersion: '131',
      os: 'Mac',
      osVersion: '10.15',
    });
  });

  it('drops a bot first, then a spam referrer, each under its own reason', () => {
    const spam = { n: 'pageview', u: 'https://a.com/', d: 'a.com', r: 'http://semalt.com/' };
    expect(run(spam)).toEqual({ drop: 'spam_referrer' });
    expect(run(spam, { ua: 'curl/8.5.0' })).toEqual({ drop: 'bot' });
    expect(run({ n: 'pageview', u: 'https://a.com/', d: 'a.com' }, { ua: '' })).toEqual({ drop: 'bot' });
  });

  it('keeps a consented persistent id apart from uids', () => {
    expect(run({ n: 'pageview', u: 'https://a.com/', d: 'a.com', pid: 'abcdefgh12' })).toMatchObject({ uid: 'pid:abcdefgh12' });
    expect(run({ n: 'pageview', u: 'https://a.com/', d: 'a.com', uid: 'user-7', pid: 'abcdefgh12' }, {}, true)).toMatchObject({ uid: 'user-7' });
  });
});
