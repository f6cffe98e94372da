/**
 * First-run setup of a demo site over the management API, for `npm run dev` (scripts/dev.mjs):
 * creates the site and an owner account if they are missing and mints a fresh read+write API key.
 * Idempotent: running it on every start re-uses the site and the account.
 *
 * @example
 *   import { bootstrapDemo } from './cli/bootstrap.mjs';
 *   const demo = await bootstrapDemo({ base: 'http://127.0.0.1:8787', adminToken, site: 'demo.pulse.local',
 *     email: 'demo@pulse.local', password: 'a stored demo password' });
 *   console.log(demo.email, demo.password, demo.key);
 */

async function request(base, adminToken, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function bootstrapDemo({ base, adminToken, site, email, password, timezone = 'UTC', scope = 'stats:read events:write' }) {
  const created = await request(base, adminToken, 'POST', '/api/v1/sites', { domain: site, timezone });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating ${site}: ${created.status} ${created.body?.error}`);
  // 409 here means the account exists already (its password is not changed); it stays owner.
  const member = await request(base, adminToken, 'POST', `/api/v1/sites/${encodeURIComponent(site)}/members`, { email, role: 'owner', password });
  if (member.status === 409) {
    const again = await request(base, adminToken, 'POST', `/api/v1/sites/${encodeURIComponent(site)}/members`, { email, role: 'owner' });
    if (again.status >= 300) throw new Error(`adding ${email}: ${again.status} ${again.body?.error}`);
  } else if (member.status >= 300) {
    throw new Error(`adding ${email}: ${member.status} ${member.body?.error}`);
  }
  const key = await request(base, adminToken, 'POST', '/api/v1/keys', { name: 'demo key (npm run dev)', sites: [site], scope, expires_in_days: 30 });
  if (key.status !== 201) throw new Error(`creating a key: ${key.status} ${key.body?.error}`);
  return { site, email, password, key: key.body.token, keyId: key.body.id, siteCreated: created.status === 201 };
}
