/** Types for scripts/generate-dev-vars.mjs, imported by vitest.config.ts. */
export function generateSigningJwk(): Promise<Record<string, string>>;
export function createDevSecrets(): Promise<{ PULSE_SIGNING_KEYS: string; PULSE_ADMIN_TOKEN: string }>;
export function parseDevVars(text: string): Record<string, string>;
export function ensureDevVars(path?: string): Promise<Record<string, string> & { added: string[] }>;
