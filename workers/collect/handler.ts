import type { IRequest } from 'itty-router';
import type { Env } from '../env';
export async function handleCollect(_req: IRequest, _env: Env, _ctx: ExecutionContext): Promise<Response> {
  return new Response('ok', { status: 202 });
}
