/**
 * Where Pulse may send requests (webhooks, Slack and alert channels; DESIGN §4b): `https://` to a
 * host that is not private, loopback, link-local or otherwise internal. Checked when a target is
 * saved and again before every request. The URL parser has already turned the odd spellings of
 * an IPv4 address (`2130706433`, `0x7f.1`, `127.1`) into dotted quads, so the checks below see
 * the address the request would really go to. Hostnames are not resolved here (Workers have no
 * DNS API); Cloudflare's network does not route a Worker's fetch to private addresses either.
 *
 * `allowLoopback` (PULSE_WEBHOOK_ALLOW_LOOPBACK=1, set by `npm run dev` and the tests) also
 * accepts `http://` and `https://` to localhost and 127.0.0.0/8, so a laptop can receive them.
 */

const MAX_URL_LENGTH = 2_000;

/** [first address, prefix length] of IPv4 ranges no request may reach (RFC 6890 and friends). */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const LOOPBACK_V4: [string, number] = ['127.0.0.0', 8];

const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const inRange = (ip: string, [base, bits]: [string, number]): boolean =>
  bits === 0 || Math.floor(toInt(ip) / 2 ** (32 - bits)) === Math.floor(toInt(base) / 2 ** (32 - bits));
const isIPv4 = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** IPv6 literals (the parser gives them in brackets, compressed and lower-cased). */
function ipv6Problem(host: string, allowLoopback: boolean): string | null {
  const ip = host.slice(1, -1);
  if (ip === '::1') return allowLoopback ? null : 'a loopback address';
  if (ip === '::') return 'the unspecified address';
  // IPv4-mapped (::ffff:a.b.c.d, shown by the parser as ::ffff:7f00:1): judged as the IPv4 address
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (mapped) {
    const n = parseInt(mapped[1]!, 16) * 65536 + parseInt(mapped[2]!, 16);
    return ipv4Problem([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), allowLoopback);
  }
  const first = parseInt(ip.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return 'a private (unique local) address';
  if ((first & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((first & 0xff00) === 0xff00) return 'a multicast address';
  if (ip.startsWith('64:ff9b:') || ip.startsWith('2001:db8:')) return 'a translated or documentation address';
  return null;
}

function ipv4Problem(ip: string, allowLoopback: boolean): string | null {
  if (inRange(ip, LOOPBACK_V4)) return allowLoopback ? null : 'a loopback address';
  if (inRange(ip, ['169.254.0.0', 16])) return 'a link-local address';
  return BLOCKED_V4.some((range) => inRange(ip, range)) ? 'a private or reserved address' : null;
}

function hostProblem(host: string, allowLoopback: boolean): string | null {
  if (host.startsWith('[')) return ipv6Problem(host, allowLoopback);
  if (isIPv4(host)) return ipv4Problem(host, allowLoopback);
  if (host === 'localhost' || host.endsWith('.localhost')) return allowLoopback ? null : 'a loopback host';
  if (!host.includes('.')) return 'a single-label (intranet) host name';
  if (/\.(local|internal|intranet|lan|home\.arpa|corp)$/.test(host)) return 'an internal host name';
  return null;
}

const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || (isIPv4(host) && inRange(host, LOOPBACK_V4));

/** Why Pulse will not send to `raw`, or null when it may. */
export function targetProblem(raw: string, allowLoopback: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) return `longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed; put a token in the path or query';
  const loopbackHttp = allowLoopback && url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) return 'must be an https:// URL';
  const problem = hostProblem(url.hostname, allowLoopback);
  return problem ? `points to ${problem}` : null;
}

export const loopbackAllowed = (env: { PULSE_WEBHOOK_ALLOW_LOOPBACK?: string }): boolean => env.PULSE_WEBHOOK_ALLOW_LOOPBACK === '1';
