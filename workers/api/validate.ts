/** Request parsing for the management API: JSON bodies checked with valibot, one 400 shape. */
import * as v from 'valibot';
import { isValidTimeZone } from '../lib/timezone';
import { HttpError } from '../lib/http-error';
import { readLimitedText } from '../lib/body';

export async function readBody<S extends v.GenericSchema>(request: Request, schema: S): Promise<v.InferOutput<S>> {
  const text = await readLimitedText(request);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
  return parse(schema, json);
}

export function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new HttpError(400, 'invalid_request', path ? `${path}: ${issue.message}` : issue.message);
}

/** Lower-case hostname-like site ids ("example.com", "localhost", "shop.example.co.uk"). */
export const DOMAIN = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(253),
  v.regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/, 'must be a domain such as example.com'),
);

export const TIMEZONE = v.pipe(
  v.string(),
  v.check(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
);

export const EMAIL = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email('must be an email address'));

/** 10 characters at least; PBKDF2 input stays bounded so a huge password cannot burn CPU. */
export const PASSWORD = v.pipe(v.string(), v.minLength(10, 'must be at least 10 characters'), v.maxLength(256));

export const ROLE = v.picklist(['owner', 'admin', 'viewer'], 'must be owner, admin or viewer');

/** Short random ids with a type prefix: `key_…`, `goal_…`; 80 bits, base32. */
export function newId(prefix: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}_${Array.from(bytes, (b) => alphabet[b & 31]).join('')}`;
}

export const randomSecret = (bytes = 32): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
