import request from 'supertest';
import { startTestApp } from '../support/test-app';

it('probe', async () => {
  const orig = global.setTimeout;
  const origClear = global.clearTimeout;
  const pending = new Map<any, string>();
  (global as any).setTimeout = function (fn: any, ms: number, ...a: any[]) {
    const stack = `${ms}ms ` + new Error().stack!.split('\n').slice(2, 9).join(' | ');
    const h = orig((...x: any[]) => { pending.delete(h); fn(...x); }, ms, ...a);
    pending.set(h, stack);
    return h;
  };
  (global as any).clearTimeout = function (h: any) { pending.delete(h); return origClear(h); };
  const t = await startTestApp({ ASSAY_ROLE: 'api', REDIS_URL: 'redis://127.0.0.1:1', STARTUP_CONNECT_TIMEOUT_MS: '1000' });
  await request(t.app.getHttpServer()).get('/health/ready');
  await t.close();
  const left = [...pending.entries()].filter(([h]) => (h as any).hasRef?.() !== false).map(([, s]) => s);
  (global as any).setTimeout = orig;
  (global as any).clearTimeout = origClear;
  console.log(left.join('\n\n'));
});
