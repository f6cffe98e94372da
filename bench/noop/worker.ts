/**
 * The baseline for `npm run bench:ingest`: a Worker that reads the body and answers 202, on the
 * same workerd and HTTP stack as Pulse. The ratio Pulse / no-op is the figure that matters; the
 * absolute numbers depend on this machine.
 */
export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    return new Response('ok', { status: 202 });
  },
} satisfies ExportedHandler;
