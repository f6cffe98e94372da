/**
 * The error every API client call throws for a non-2xx response or a network failure
 * (`status` 0): the HTTP status and the server's `{ "error": "..." }` message.
 *
 * @example
 * try { await client.query(body); }
 * catch (e) { if (e instanceof PulseApiError && e.status === 401) renewKey(); }
 */
export class PulseApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PulseApiError';
  }
}
