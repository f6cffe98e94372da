import type { IRequest } from 'itty-router';
import { HttpError } from './http-error';

/**
 * A route parameter, percent-decoded. itty-router hands parameters over as sent, and
 * decodeURIComponent throws a URIError on a broken escape (`/sites/%zz`): that is bad input, so it
 * answers 400 naming the parameter instead of reaching the error handler as a 500.
 */
export function pathParam(request: IRequest, name: string): string {
  const raw = request.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'invalid_request', `${name}: not a valid percent-encoded path segment`);
  }
}
