/**
 * Notification channels as the alert, digest and operations forms send them (DESIGN §4b:
 * `{"type": "email", "to"}`, `{"type": "slack", "url"}`, `{"type": "webhook", "url"}`). The form
 * holds any number of rows of each kind (`email[]`, `slack_url[]`, `webhook_url[]`, at most
 * {@link MAX_CHANNELS} filled in all, as the API takes); each filled row is checked here and a
 * problem names its row ("Slack 2: …"); the API then checks the targets, and its message is
 * shown next to the form.
 */
import { z } from '@builder.io/qwik-city';

export type Channel = { type: 'email'; to: string } | { type: 'slack'; url: string } | { type: 'webhook'; url: string };

/** the API's cap on channels per rule or digest (workers/automation/channels.ts) */
export const MAX_CHANNELS = 5;

/** The kinds, in the order the form lists them: the field name, the label, and what a row must hold. */
export const CHANNEL_KINDS = [
  { type: 'email', field: 'email', label: 'Email', placeholder: 'you@example.com', input: 'email' },
  { type: 'slack', field: 'slack_url', label: 'Slack incoming webhook URL', placeholder: 'https://hooks.slack.com/services/…', input: 'url' },
  { type: 'webhook', field: 'webhook_url', label: 'Webhook URL', placeholder: 'https://example.com/hook', input: 'url' },
] as const;

const rows = (max: number) => z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((x) => x.trim().slice(0, max)));

/** zod fields of a form that renders {@link ChannelFields} (a single row arrives as a string). */
export const CHANNEL_FIELDS = {
  email: rows(320),
  slack_url: rows(2000),
  webhook_url: rows(2000),
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SHORT = { email: 'Email', slack: 'Slack', webhook: 'Webhook' } as const;

function rowProblem(type: Channel['type'], value: string): string | null {
  if (type === 'email') return EMAIL.test(value) ? null : `"${value}" is not an email address.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL.`;
  }
  if (type === 'slack' && url.protocol !== 'https:') return 'a Slack incoming webhook URL starts with https://.';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'use an https:// URL.';
  return null;
}

/** The filled rows as channels, in the form's order; throws naming the first bad row, or when none or too many are filled. */
export function channelsFrom(data: { email?: string[]; slack_url?: string[]; webhook_url?: string[] }): Channel[] {
  const channels: Channel[] = [];
  for (const kind of CHANNEL_KINDS) {
    (data[kind.field] ?? []).forEach((value, i) => {
      if (!value) return;
      const problem = rowProblem(kind.type, value);
      if (problem) throw new Error(`${SHORT[kind.type]} ${i + 1}: ${problem}`);
      channels.push(kind.type === 'email' ? { type: 'email', to: value } : { type: kind.type, url: value });
    });
  }
  if (!channels.length) throw new Error('Fill in at least one channel: an email, a Slack URL or a webhook URL.');
  if (channels.length > MAX_CHANNELS) throw new Error(`At most ${MAX_CHANNELS} channels; remove ${channels.length - MAX_CHANNELS}.`);
  return channels;
}

export const describeChannel = (c: Channel): string => (c.type === 'email' ? `email ${c.to}` : `${c.type} ${c.url}`);

/** The path of a site's automation resource on the API. */
export const sitePath = (site: string, rest = '') => `/api/v1/sites/${encodeURIComponent(site)}${rest}`;

interface ActionResult {
  failed?: boolean;
  message?: string;
  fieldErrors?: Record<string, unknown>;
}

/** The message of a failed routeAction$ (the API's own, or the form's validation), else null. */
export function problemOf(value: unknown): string | null {
  const v = value as ActionResult | undefined;
  if (!v?.failed) return null;
  return v.message ?? (Object.values(v.fieldErrors ?? {}).flat().join(' ') || 'Check the form.');
}
