/** String properties of an event (DESIGN §3: ≤ 30 props, keys ≤ 300 bytes, values ≤ 2000 bytes). */
export type Props = Record<string, string>;

/** Revenue attached to a goal conversion. */
export interface Revenue {
  amount: number | string;
  currency: string;
}

/** Options of one event sent with `pulse(name, options)` or `track(name, options)`. */
export interface EventOptions {
  props?: Props;
  revenue?: Revenue;
  /** `false` for events that should not make a visit count as engaged (no bounce change). */
  interactive?: boolean;
  /** Overrides `location.href`, e.g. to redact ids from the recorded URL. */
  url?: string;
}

/** `init({...})` settings of the npm build; the script tag reads the same from `data-*` attributes. */
export interface Config {
  /** Site id (`data-domain`); defaults to `location.hostname`. */
  domain?: string;
  /** Events endpoint (`data-api`); the script tag defaults to `<script origin>/api/event`, npm to `/api/event`. */
  api?: string;
  /** Hash-based routing: `#/path` changes are pageviews and events carry `h: 1` (script tag: `pulse.hash.js`). */
  hash?: boolean;
  /** Send events from localhost, 127.x and file: pages too (`data-allow-localhost`). */
  allowLocalhost?: boolean;
}

/**
 * Options as the core reads them: the script tag's `dataset` (a present flag is `''`, an absent
 * one is missing), with `domain` and `api` filled in. `init()` converts a {@link Config} to this.
 */
export type Options = Record<string, string | undefined> & { domain: string; api: string };

/** The wire format of one event: DESIGN §3's Plausible-compatible short keys. */
export interface Payload {
  n: string;
  u: string;
  d: string;
  r: string | null;
  p?: Props;
  $?: Revenue;
  i?: boolean;
  h?: 1;
  sd?: number;
  e?: number;
  pid?: string;
}

/** The tracker function, also `window.pulse`: `pulse(name, options?)`. */
export type Track = (name: string, options?: EventOptions) => void;

/**
 * `window.pulse`: before the script loads, the stub whose calls wait in `q`; `persist` is
 * installed by the `persist` module.
 */
export type PulseGlobal = Track & { q?: Iterable<unknown>[]; persist?: (on: boolean) => void };

declare global {
  interface Window {
    pulse?: PulseGlobal;
    /** Set to `true` to stop this browser from sending events. */
    pulseOptOut?: boolean;
  }
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}
