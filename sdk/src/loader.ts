/**
 * Script-tag entry (`pulse.js`): reads the `data-*` attributes of its own <script> element,
 * starts the tracker, and injects the optional modules named in `data-modules` (comma-separated,
 * e.g. `links,vitals,errors`) from the same folder as `pulse.<name>.js`.
 */
import { config } from './config';
import { start } from './start';
import { noop } from './transport';

const script = document.currentScript as HTMLScriptElement;
const src = script.src;
// URL objects are fine for fetch and sendBeacon, which stringify them
start({ domain: location.hostname, api: new URL('/api/event', src) as unknown as string, ...script.dataset });

// import() is shorter than a <script> element and loads the IIFE module just the same (with CORS);
// noop: a module that fails to load (blocked, offline) must not become an unhandled rejection
config().modules?.split(/, */).map((name) => import(new URL(`pulse.${name}.js`, src) as unknown as string).catch(noop));
