/**
 * Seeds the demo site through the management API and the events API, exactly as a user would:
 * site, owner, a stats:read key to print, and a short-lived events:write key for the backfill.
 */
import { demoEventBatches } from './demo-traffic.mjs';

export const DEMO_SITE = 'demo.pulse.local';
export const DEMO_EMAIL = 'demo@pulse.local';
export const DEMO_PASSWORD = 'pulse-demo-password';

async function call(api, token, method, path, body) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok && res.status !== 409) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function seedDemo({ api, adminToken, log = () => {}, now = Date.now(), days = 30 }) {
  await call(api, adminToken, 'POST', '/api/v1/sites', { domain: DEMO_SITE, timezone: 'UTC' });
  await call(api, adminToken, 'POST', `/api/v1/sites/${DEMO_SITE}/members`, { email: DEMO_EMAIL, role: 'owner', password: DEMO_PASSWORD });
  const writer = await call(api, adminToken, 'POST', '/api/v1/keys', {
    name: 'demo backfill', sites: [DEMO_SITE], scope: 'events:write', expires_in_days: 1, rate_limit: 1_000_000,
  });
  let events = 0;
  let requests = 0;
  for (const batch of demoEventBatches({ site: DEMO_SITE, now, days })) {
    let res;
    // the site's flood limit (1,000 events/s, burst 5,000) refuses a fast backfill with 429:
    // wait the Retry-After it names and send the same batch again
    for (let tries = 0; ; tries++) {
      res = await fetch(`${api}/api/event`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      if (res.status !== 429 || tries >= 20) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 1000 * Math.max(1, Number(res.headers.get('retry-after')) || 1)));
    }
    if (res.status !== 202) throw new Error(`backfill batch refused: ${res.status} ${await res.text()}`);
    events += batch.length;
    if (++requests % 100 === 0) log(`${events} events sent`);
  }
  await call(api, adminToken, 'DELETE', `/api/v1/keys/${writer.id}`);
  const reader = await call(api, adminToken, 'POST', '/api/v1/keys', { name: 'demo stats', sites: [DEMO_SITE], scope: 'stats:read', expires_in_days: 365 });
  log(`${events} events sent in ${requests} requests`);
  return { site: DEMO_SITE, email: DEMO_EMAIL, password: DEMO_PASSWORD, key: reader.token, keyId: reader.id, events };
}
