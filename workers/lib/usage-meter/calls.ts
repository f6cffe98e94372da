/** The R2, Queue and Durable Object request meters. */
import { stageUsage, wrapOnce } from './counters';

const QUEUE_OP_BYTES = 64 * 1024;
const OPS_PER_MESSAGE = 3;

function byteLength(value: unknown): number {
  if (typeof value === 'string') return new TextEncoder().encode(value).byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof Blob) return value.size;
  return 0; // a stream's length is not known up front; R2 objects are written from buffers here
}

/** `bucket` counting Class A (put, list, multipart) and Class B (get, head) operations. */
export function meterR2(bucket: R2Bucket, stage: string): R2Bucket {
  return wrapOnce(bucket, stage, (real) => {
    const r2 = () => stageUsage(stage).r2;
    const metered = {
      async put(key: string, value: unknown, options?: R2PutOptions) {
        r2().classA += 1;
        r2().bytesPut += byteLength(value);
        return real.put(key, value as Parameters<R2Bucket['put']>[1], options);
      },
      async get(key: string, options?: R2GetOptions) {
        r2().classB += 1;
        const object = await real.get(key, options);
        if (object) r2().bytesGot += object.size;
        return object;
      },
      async head(key: string) {
        r2().classB += 1;
        return real.head(key);
      },
      async list(options?: R2ListOptions) {
        r2().classA += 1;
        return real.list(options);
      },
      // deletes are free
      delete: (keys: string | string[]) => real.delete(keys),
      async createMultipartUpload(key: string, options?: R2MultipartOptions) {
        r2().classA += 1;
        return real.createMultipartUpload(key, options);
      },
      resumeMultipartUpload: (key: string, uploadId: string) => real.resumeMultipartUpload(key, uploadId),
    };
    return metered as unknown as R2Bucket;
  });
}

// --- Queues --------------------------------------------------------------------------------------

function countMessage(stage: string, body: unknown): void {
  const q = stageUsage(stage).queue;
  // measured as JSON, the content type the outbox sends (a string body gains its quotes)
  const bytes = byteLength(JSON.stringify(body) ?? '');
  q.messages += 1;
  q.bytes += bytes;
  q.ops += OPS_PER_MESSAGE * Math.max(1, Math.ceil(bytes / QUEUE_OP_BYTES));
}

/** `queue` counting messages, bytes and the operations they are billed as. */
export function meterQueue<T>(queue: Queue<T>, stage: string): Queue<T> {
  return wrapOnce(queue, stage, (real) => {
    const metered = {
      async send(body: T, options?: QueueSendOptions) {
        await real.send(body, options);
        stageUsage(stage).queue.sends += 1;
        countMessage(stage, body);
      },
      // counted after the Queue took them: a refused batch is not billed
      async sendBatch(messages: Iterable<MessageSendRequest<T>>, options?: QueueSendBatchOptions) {
        const list = [...messages];
        await real.sendBatch(list, options);
        stageUsage(stage).queue.sends += 1;
        for (const m of list) countMessage(stage, m.body);
      },
    };
    return metered as unknown as Queue<T>;
  });
}

// --- Durable Object namespaces -------------------------------------------------------------------

/** Every method called on a stub is one DO request (RPC or fetch). */
function meterStub<T extends object>(stub: T, stage: string, binding: string): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      // `then` is probed by `await`, not a request; symbols are the runtime's own
      if (typeof value !== 'function' || prop === 'then' || typeof prop === 'symbol') return value;
      return (...args: unknown[]) => {
        const requests = stageUsage(stage).doRequests;
        requests[binding] = (requests[binding] ?? 0) + 1;
        return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      };
    },
  });
}

/** `namespace` whose stubs count each call as a request of `binding` under `stage`. */
export function meterNamespace<T extends DurableObjectNamespace>(namespace: T, stage: string, binding: string): T {
  return wrapOnce(namespace, stage, (real) =>
    new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === 'get' || prop === 'getByName') {
          return (...args: unknown[]) => meterStub(Reflect.apply(value as (...a: unknown[]) => object, target, args), stage, binding);
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  );
}
