import type { Options } from './types';

/**
 * The running tracker's options, owned here and read through {@link config} alone (as Plausible's
 * tracker keeps its config module). Module state, not a factory: a page has one tracker, and a
 * plain variable minifies far smaller than options passed around.
 */
let options: Options;

/** Sets the options once, when the tracker starts. */
export const setConfig = (o: Options) => (options = o);

/** The options the tracker started with. */
export const config = (): Options => options;
