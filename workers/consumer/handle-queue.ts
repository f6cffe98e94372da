import type { Env } from '../env';
import type { QueueMessageBody } from '../lib/event-types';
export async function handleQueue(_batch: MessageBatch<QueueMessageBody>, _env: Env, _ctx: ExecutionContext): Promise<void> {}
