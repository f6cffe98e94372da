import type { Env } from '../env';
export async function runScheduled(_c: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {}
