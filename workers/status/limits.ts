/** D1's per-database limit (Workers Paid), in bytes as Cloudflare counts GB */
export const D1_LIMIT_BYTES = 10_000_000_000;
