/** Types for scripts/setup-config.mjs, imported by the e2e harness (test/e2e/worker-harness.ts). */
export function parseD1Id(output: string): string | null;
export function withD1Id(toml: string, databaseName: string, id: string): string;
export function alreadyExists(output: string): boolean;
export function d1Databases(toml: string): { binding: string; name: string }[];
