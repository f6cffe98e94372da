/** Types for scripts/demo-traffic.mjs, imported by bench:cost's traffic (bench/cost/traffic.ts). */
export function demoEventBatches(options: { site: string; now: number; days?: number; seed?: number }): Generator<Record<string, unknown>[]>;
