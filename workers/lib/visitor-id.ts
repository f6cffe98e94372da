/**
 * Identified visitors: the site's backend sends a `uid`, and Pulse stores only a keyed hash of it.
 * The SiteDO (ingestion) and the GDPR erase route (management API) must derive the same number,
 * so this is the one implementation both call.
 */

const encoder = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function importHmacKey(secret: string): Promise<CryptoKey> {
  // importKey is async and not free; a site's secret is reused for every identified event.
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * The 53-bit visitor id of an identified visitor: HMAC-SHA256(site.uid_secret, uid), bytes 0..6
 * read big-endian and masked to 53 bits, so it is a safe JS integer and a SQLite INTEGER.
 *
 * @example
 *   const visitorId = await hashUid(site.uidSecret, 'user-42'); // e.g. 6473837722418815
 */
export async function hashUid(secret: string, uid: string): Promise<number> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await importHmacKey(secret), encoder.encode(uid)));
  // 7 bytes = 56 bits; drop the top 3 bits. Multiplication, not bit shifts: JS shifts are 32-bit.
  let value = mac[0]! & 0x1f;
  for (let i = 1; i < 7; i++) value = value * 256 + mac[i]!;
  return value;
}
