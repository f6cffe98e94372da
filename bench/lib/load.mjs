/** A closed-loop HTTP load: `concurrency` workers each send their next request when one returns. */
export async function runLoad({ total, concurrency, makeRequest }) {
  const latencies = new Float64Array(total);
  const statuses = new Map();
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (next < total) {
      const i = next++;
      const { url, init } = makeRequest(i);
      const t = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      latencies[i] = performance.now() - t;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { total, seconds, perSecond: total / seconds, p50: pct(50), p99: pct(99), statuses: Object.fromEntries(statuses) };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * An open-loop load: one request every 1/perSecond seconds whatever the answers, so the server sees
 * a steady busy site rather than a saturated one (closed loops measure their own queue).
 * `onAnswer(i, at)` is told when request i's answer has been read.
 */
export async function runPaced({ total, perSecond, makeRequest, onAnswer = () => {} }) {
  const latencies = new Float64Array(total);
  const statuses = new Map();
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { url, init } = makeRequest(i);
    const t = performance.now();
    inFlight.push(
      fetch(url, init)
        .then((res) => res.arrayBuffer().then(() => res.status))
        .then((status) => {
          const at = performance.now();
          latencies[i] = at - t;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          onAnswer(i, at);
        }),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { total, seconds, perSecond: total / seconds, p50: pct(50), p99: pct(99), statuses: Object.fromEntries(statuses) };
}
