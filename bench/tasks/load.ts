/** The load the task bench sends: task batches through the API, and an evenly paced open loop. */
import http from 'node:http';
import { openLoop, percentile } from '../support/paced';
import type { AppProcess } from './app-process';
import { now } from './measure';
import { API_KEY, BATCH } from './settings';

async function postBatch(api: AppProcess, count: number): Promise<string> {
  const res = await fetch(`${api.url}/api/v1/tasks/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({
      task_name: 'diagnostic',
      payloads: Array.from({ length: count }, () => ({ sleep_ms: 0 })),
    }),
  });
  const body = (await res.json()) as { batch_id?: string; count?: number };
  if (res.status !== 202 || body.count !== count || !body.batch_id) {
    throw new Error(`POST /api/v1/tasks/batch answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.batch_id;
}

/** Posts `total` tasks in batches of 1000, one call at a time. */
export async function postTasks(api: AppProcess, total: number, batchIds: string[]): Promise<void> {
  for (let done = 0; done < total; done += BATCH) {
    batchIds.push(await postBatch(api, Math.min(BATCH, total - done)));
  }
}

/** Open-loop load: request i is due at t0 + i/rate; latency counts from when it was due. */
export async function pacedLoad(
  url: string,
  rate: number,
  seconds: number,
): Promise<{
  p50: number;
  p99: number;
  max: number;
  sendP99: number;
  rate: number;
  non2xx: number;
}> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const body = JSON.stringify({ sleep_ms: 0 });
  const total = rate * seconds;
  const lat: number[] = [];
  // From the moment the request was written: without the load generator's own lag.
  const fromSend: number[] = [];
  let non2xx = 0;
  const pending: Promise<void>[] = [];
  const one = (due: number) =>
    new Promise<void>((done) => {
      const start = now();
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-api-key': API_KEY,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            lat.push(now() - due);
            fromSend.push(now() - start);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            done();
          });
        },
      );
      req.on('error', () => {
        non2xx++;
        done();
      });
      req.end(body);
    });
  const t0 = now();
  await openLoop(rate, total, (due) => pending.push(one(due)));
  await Promise.all(pending);
  const elapsed = (now() - t0) / 1000;
  agent.destroy();
  lat.sort((x, y) => x - y);
  fromSend.sort((x, y) => x - y);
  return {
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat[lat.length - 1],
    sendP99: percentile(fromSend, 99),
    rate: total / elapsed,
    non2xx,
  };
}
