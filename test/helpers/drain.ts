import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { siteStub } from './fixtures';

/**
 * Runs the SiteDO's alarm (outbox -> Queue) and waits until the real Queue consumer has written
 * `expected` events of the site to D1. Nothing is called by hand past the alarm: the message goes
 * through the local Queue exactly as in production.
 */
export async function drainToD1(objectName: string, site: string, expected: number, timeoutMs = 15_000): Promise<number> {
  await runDurableObjectAlarm(siteStub(objectName));
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    count = (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE site_id = ?').bind(site).first<number>('n')) ?? 0;
    if (count >= expected) return count;
    await new Promise((r) => setTimeout(r, 100));
  }
  return count;
}
