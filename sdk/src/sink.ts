import type { PulseGlobal, Track } from './types';

/**
 * How the optional modules send events: through `window.pulse`, looked up at call time, so a
 * module works whether it loads before the core (calls wait in the stub's queue) or after it.
 */
export const sendViaGlobal: Track = (name, options) => {
  const w = window;
  if (!w.pulse) {
    const stub: PulseGlobal = function () {
      (stub.q = stub.q || []).push(arguments);
    };
    w.pulse = stub;
  }
  w.pulse(name, options);
};
