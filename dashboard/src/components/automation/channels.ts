/**
 * Notification channels as the alert and digest forms send them (DESIGN §4b: `{"type": "email",
 * "to"}`, `{"type": "slack", "url"}`, `{"type": "webhook", "url"}`). The form has one field per
 * kind; the API checks the addresses and targets, and its message is shown next to the form.
 */
import { z } from '@builder.io/qwik-city';

export type Channel = { type: 'email'; to: string } | { type: 'slack'; url: string } | { type: 'webhook'; url: string };

/** zod fields of a form that renders {@link ChannelFields}. */
export const CHANNEL_FIELDS = {
  email: z.string().trim().max(320).optional(),
  slack_url: z.string().trim().max(2000).optional(),
  webhook_url: z.string().trim().max(2000).optional(),
};

export function channelsFrom(data: { email?: string; slack_url?: string; webhook_url?: string }): Channel[] {
  const channels: Channel[] = [];
  if (data.email) channels.push({ type: 'email', to: data.email });
  if (data.slack_url) channels.push({ type: 'slack', url: data.slack_url });
  if (data.webhook_url) channels.push({ type: 'webhook', url: data.webhook_url });
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
