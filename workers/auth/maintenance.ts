/**
 * Housekeeping for the hourly cron: revocation rows past their token's expiry can go (the token
 * fails on `exp` anyway, and the deny-list every isolate loads stays small), and so can
 * invitations that expired or were accepted more than 30 days ago.
 */
const INVITATION_KEEP_MS = 30 * 86_400_000;

export async function pruneAuthState(db: D1Database, now = Date.now()): Promise<{ revocations: number; invitations: number }> {
  const [revocations, invitations] = await db.batch([
    db.prepare('DELETE FROM revocations WHERE expires_at < ?').bind(now),
    db.prepare('DELETE FROM invitations WHERE expires_at < ?1 OR accepted_at < ?1').bind(now - INVITATION_KEEP_MS),
  ]);
  return { revocations: revocations!.meta.changes, invitations: invitations!.meta.changes };
}
