/** The one error type for HTTP: the error handler turns it into `{ "error": message }` JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** a structured body to send instead of `{ error }`, e.g. the collector's field errors */
    readonly body?: unknown,
  ) {
    super(message);
  }
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
    return jsonResponse(err.body ?? { error: err.message }, err.status, err.headers);
  }
  console.error('unhandled error', err instanceof Error ? err.stack : err);
  return jsonResponse({ error: 'internal error' }, 500);
}
