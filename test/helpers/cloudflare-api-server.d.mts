/** Starts the local stand-in for Cloudflare's API (cloudflare-api-server.mjs); resolves to `http://127.0.0.1:<port>/client/v4`. */
export function startCloudflareApiServer(): Promise<string>;
