/**
 * The one error type for HTTP. Every error answers the same JSON shape,
 * `{ "error": "<message for people>", "code": "<stable id for programs>" }`, plus any details the
 * error carries (the Events API's field errors: `"errors": { "<field>": ["message"] }`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** fields added beside `error` and `code`, e.g. the collector's `{ errors: { url: [...] } }` */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  code: string;
  [detail: string]: unknown;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** Turns anything thrown while handling a request into a JSON response; never leaks a stack. */
export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    // Details never override the message and code: every client can rely on those two.
    const body: ErrorBody = { ...err.details, error: err.message, code: err.code };
    return jsonResponse(body, err.status, err.headers);
  }
  console.error('unhandled error', err instanceof Error ? err.stack : err);
  return jsonResponse({ error: 'internal error', code: 'internal_error' } satisfies ErrorBody, 500);
}
