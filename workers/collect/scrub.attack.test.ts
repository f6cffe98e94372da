/**
 * Issue 13: `error` events stored their message and stack as sent, e-mails, tokens and query
 * strings included (DESIGN §4a says they are scrubbed before storage). Through the real collector,
 * SiteDO, Queue and consumer into D1 and the R2 archive.
 */
import { env, SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { createSite } from '../../test/helpers/fixtures';
import { drainToD1 } from '../../test/helpers/drain';
import { archivedEvents } from '../../test/helpers/archive';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SITE = 'scrub-errors.attack.example';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

it('scrubs e-mails, tokens and query strings from error messages and stacks before storage', async () => {
  await createSite(SITE);
  const page = `https://${SITE}/checkout`;
  const body = [
    { n: 'pageview', u: page, d: SITE },
    {
      n: 'error',
      u: page,
      d: SITE,
      p: {
        message: `Reset failed for alice@example.com with token ${JWT} (id 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08)`,
        stack: `Error: boom\n    at pay (https://${SITE}/app.js?session=Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lz:10:5)\n    at https://${SITE}/vendor.js?v=3:2:17`,
        source: `https://${SITE}/app.js?session=secret-session`,
        line: '10',
      },
    },
  ];
  const res = await SELF.fetch('https://pulse.test/api/event', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'text/plain', 'user-agent': UA, 'cf-connecting-ip': '203.0.113.31' },
  });
  expect(res.status).toBe(202);
  expect(await drainToD1(SITE, SITE, 2)).toBe(2);

  const row = await env.DB.prepare("SELECT props FROM events WHERE site_id = ? AND name = 'error'").bind(SITE).first<{ props: string }>();
  const props = JSON.parse(row!.props) as Record<string, string>;
  expect(props.message).toBe('Reset failed for [email] with token [token] (id [token])');
  expect(props.stack).toBe(`Error: boom\n    at pay (https://${SITE}/app.js:10:5)\n    at https://${SITE}/vendor.js:2:17`);
  expect(props.source).toBe(`https://${SITE}/app.js`);
  expect(props.line).toBe('10');

  // The archive holds what D1 holds: the raw lines are scrubbed too.
  const deadline = Date.now() + 10_000;
  let text = '';
  while (!text.includes('"error"') && Date.now() < deadline) {
    text = JSON.stringify(await archivedEvents(SITE));
    if (!text.includes('"error"')) await new Promise((r) => setTimeout(r, 100));
  }
  expect(text).toContain('Reset failed for [email]');
  expect(text).not.toContain('alice@example.com');
  expect(text).not.toContain('session=');
});
