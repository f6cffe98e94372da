/**
 * Request bodies read with a byte limit. A declared `content-length` over the limit is refused
 * before a byte is read; a chunked or understated body is counted as it streams and cancelled at
 * the limit, so a caller never makes the Worker buffer more than `maxBytes` (128 MB isolates).
 */
import { HttpError } from './http-error';

/** DESIGN §3 and the management API: JSON bodies over 64 KB are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

export const tooLarge = (maxBytes: number): HttpError =>
  new HttpError(413, 'payload_too_large', `request body over ${Math.round(maxBytes / 1024)} KB`);

/** Throws 413 when the declared length is over the limit (before authentication reads anything). */
export function checkDeclaredLength(request: Request, maxBytes = MAX_BODY_BYTES): void {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
}

/** The body as UTF-8 text, at most `maxBytes` bytes (not UTF-16 units) of it, else 413. */
export async function readLimitedText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  checkDeclaredLength(request, maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
