/**
 * Hash routing, fixed at build time for the script tag (`pulse.hash.js` is built with true,
 * `pulse.js` with false, so it carries no hash-mode code); the npm build leaves it undefined
 * and reads the `hash` option at run time. Used inline as `(__PULSE_HASH__ ?? 'hash' in config())`
 * because esbuild folds only literal uses. A .d.ts of its own so it never reaches the
 * package's published declarations.
 */
declare const __PULSE_HASH__: boolean | undefined;
