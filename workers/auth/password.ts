/**
 * Password hashing with PBKDF2-SHA256 from WebCrypto. workerd refuses more than 100,000
 * iterations (it caps the CPU one request may burn), so 100,000 it is; the count is stored per
 * user so a later runtime allowing more can rehash on sign-in.
 */

export const PBKDF2_ITERATIONS = 100_000;
const HASH_BYTES = 32;
const encoder = new TextEncoder();

export interface PasswordHash {
  hash: string; // base64
  salt: string; // base64
  iterations: number;
}

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return { hash: toBase64(hash), salt: toBase64(salt), iterations: PBKDF2_ITERATIONS };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const actual = await derive(password, fromBase64(stored.salt), stored.iterations);
  return constantTimeEqual(actual, fromBase64(stored.hash));
}

/** Compares in time independent of where the inputs differ (workerd's timingSafeEqual). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Constant-time string comparison, for the bootstrap admin token. */
export function constantTimeEqualText(a: string, b: string): boolean {
  return constantTimeEqual(encoder.encode(a), encoder.encode(b));
}

/**
 * Burns the same PBKDF2 work as a real check: sign-in for an unknown email must take as long as
 * a wrong password, or response time would reveal which emails have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  await derive(password, new Uint8Array(16), PBKDF2_ITERATIONS);
}

/** A random password the CLI prints once: 18 bytes → 24 base64url characters. */
export function generatePassword(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(18))).replaceAll('+', '-').replaceAll('/', '_');
}
