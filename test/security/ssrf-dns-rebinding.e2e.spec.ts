import { randomUUID } from 'node:crypto';
import { rr } from '../support/dns-server';
import { TestApp } from '../support/test-app';
import { useDnsAndCanary } from './ssrf-dns-harness';

/**
 * DNS rebinding (an allowed answer first, a forbidden one on the next query) is caught across a
 * redirect and across callback attempts, because the address is checked inside each connection's
 * own lookup.
 */
describe('SSRF through DNS: a local DNS server as OUTBOUND_DNS_SERVERS', () => {
  const { servers, spy, start, read, readFailure, withCallback, delivery } = useDnsAndCanary();

  describe('rebinding: an allowed answer (127.0.0.1, allow-listed), then a forbidden one (127.0.0.2)', () => {
    let t: TestApp;
    // The listener's 127.0.0.1 is the allowed site; its 127.0.0.2 and ::1 are the canary.
    const forbiddenConnections = () =>
      (servers.canary.connections.get('127.0.0.2') ?? 0) +
      (servers.canary.connections.get('::1') ?? 0);
    const forbiddenAttempts = () =>
      spy.to(servers.canary.port).filter((a) => !a.startsWith('127.0.0.1:'));

    beforeAll(async () => {
      t = await start({
        WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
        CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
        CALLBACK_RETRY_SCHEDULE: '0,0.2,0.2',
      });
    });
    afterAll(async () => {
      await t?.close();
    });
    afterEach(() => {
      expect(forbiddenConnections()).toBe(0);
      expect(forbiddenAttempts()).toEqual([]);
    });

    it('reads a page by a name that resolves to the allowed address (the control)', async () => {
      servers.dns.set('site.dns.test', [rr.a('127.0.0.1')]);
      const res = await read(t, `http://site.dns.test:${servers.canary.port}/${randomUUID()}`);
      expect(res).toMatchObject({
        found: true,
        data: expect.objectContaining({ title: 'inside' }),
      });
      expect(servers.canary.connections.get('127.0.0.1')).toBe(1);
      // The spy sees connection attempts: its empty lists elsewhere mean something.
      expect(spy.to(servers.canary.port)).toEqual([`127.0.0.1:${servers.canary.port}`]);
    });

    it('web reader: the redirect to the same name resolves again, to 127.0.0.2, and is refused', async () => {
      servers.dns.sequence('rebind.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      servers.canary.handler = (req, res) =>
        res
          .writeHead(302, { location: `http://rebind.dns.test:${servers.canary.port}/next` })
          .end();
      const url = `http://rebind.dns.test:${servers.canary.port}/start-${randomUUID()}`;
      const err = await readFailure(t, url);
      expect({ code: err.code, retryable: err.retryable }).toEqual({
        code: 'BLOCKED',
        retryable: false,
      });
      expect(err.message).toMatch(
        /rebind\.dns\.test resolves to 127\.0\.0\.2 \(a non-public address: loopback\)/,
      );
      // The first hop reached the allowed address; the second hop connected nowhere.
      expect(servers.canary.requests).toEqual([`127.0.0.1 GET ${new URL(url).pathname}`]);
      expect(servers.dns.queriesFor('rebind.dns.test', 'A')).toHaveLength(2);
    });

    it('callbacks: a second delivery to the same URL resolves to 127.0.0.2 and is refused', async () => {
      servers.dns.sequence('hook.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      const url = `http://hook.dns.test:${servers.canary.port}/hook`;

      const first = await delivery(t, await withCallback(t, url), ['delivered', 'dead']);
      expect(first).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
      expect(servers.canary.requests).toEqual(['127.0.0.1 POST /hook']);

      const second = await delivery(t, await withCallback(t, url), ['delivered', 'dead']);
      expect(second).toMatchObject({ status: 'dead', attempts: 1, last_status_code: null });
      expect(second.last_error).toMatch(
        /^BLOCKED: blocked: hook\.dns\.test resolves to 127\.0\.0\.2 \(a non-public address: loopback\)/,
      );
      expect(servers.canary.requests).toHaveLength(1);
      expect(servers.dns.queriesFor('hook.dns.test', 'A')).toHaveLength(2);
    });

    it('callbacks: the retry after a failed attempt resolves to 127.0.0.2 and is refused', async () => {
      servers.dns.sequence('retry.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      servers.canary.handler = (_req, res) => res.writeHead(500).end('try again');
      const jobId = await withCallback(t, `http://retry.dns.test:${servers.canary.port}/retry`);
      const d = await delivery(t, jobId, ['dead']);
      // Attempt 1: the allowed address answered 500; attempt 2: refused before connecting; a
      // blocked URL is not retried further.
      expect(d).toMatchObject({ attempts: 2, last_status_code: null });
      expect(d.last_error).toMatch(/^BLOCKED: blocked: retry\.dns\.test resolves to 127\.0\.0\.2/);
      expect(servers.canary.requests).toEqual(['127.0.0.1 POST /retry']);
      expect(servers.dns.queriesFor('retry.dns.test', 'A')).toHaveLength(2);
    });
  });
});
