/**
 * The webhook signature (DESIGN §4b): `Pulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(
 * secret, "<t>.<raw body>")>`. The timestamp is signed with the body so a receiver can refuse a
 * replayed delivery (README "Webhooks" shows the check); it is taken per attempt, so a retry
 * hours later still passes a receiver's five-minute tolerance.
 */
const encoder = new TextEncoder();

export async function hmacSha256Hex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function signatureHeader(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacSha256Hex(secret, `${unixSeconds}.${body}`)}`;
}
