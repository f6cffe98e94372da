/**
 * The one shape of every settings action (members, keys, alerts, webhooks, reports): call the API,
 * and when it refuses, fail the action with the API's own message, which {@link Problem} shows
 * next to the form.
 */
import type { RequestEventAction } from '@builder.io/qwik-city';
import { messageOf } from '../../lib/api';

export async function orFail<T extends Record<string, unknown>>(ev: RequestEventAction, run: () => Promise<T>) {
  try {
    return await run();
  } catch (e) {
    return ev.fail(400, { message: messageOf(e) });
  }
}
