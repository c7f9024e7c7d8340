import { randomUUID } from 'node:crypto';
import { TestApp } from '../support/test-app';
import { CORPUS, escape, useDnsAndCanary } from './ssrf-dns-harness';

/**
 * Names whose DNS answer holds any non-public address (loopback, private, metadata, unique-local,
 * mapped, CNAME chains, a long answer read over TCP) are refused with BLOCKED by both outbound
 * clients, the web reader (builtin_web, through ProviderClient) and callbacks (a task's
 * callback_url, sent by the worker), and nothing connects.
 */
describe('SSRF through DNS: a local DNS server as OUTBOUND_DNS_SERVERS', () => {
  const { servers, spy, start, readFailure, withCallback, delivery } = useDnsAndCanary();

  describe('names resolving to non-public addresses (nothing allow-listed)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await start();
    });
    afterAll(async () => {
      await t?.close();
    });
    afterEach(() => {
      expect(servers.canary.total()).toBe(0);
      expect(spy.to(servers.canary.port)).toEqual([]);
    });

    it.each(CORPUS)(
      'the web reader refuses %s (%s) without a connection attempt',
      async (_what, name, _records, blocked) => {
        const err = await readFailure(t, `http://${name}:${servers.canary.port}/${randomUUID()}`);
        expect({ code: err.code, retryable: err.retryable }).toEqual({
          code: 'BLOCKED',
          retryable: false,
        });
        expect(err.message).toMatch(new RegExp(`${escape(name)} resolves to ${escape(blocked)}`));
        // Asked of the local server (both families), not of the system's resolver.
        expect(servers.dns.queriesFor(name).map((q) => q.type)).toEqual(
          expect.arrayContaining(['A', 'AAAA']),
        );
      },
    );

    it('reads the long answer over TCP (the UDP answer is truncated)', async () => {
      await readFailure(t, `http://long.dns.test:${servers.canary.port}/`);
      expect(servers.dns.queriesFor('long.dns.test', 'A').map((q) => q.transport)).toEqual([
        'udp',
        'tcp',
      ]);
    });

    it('asks the configured server only: localhost, unknown there, does not exist (NOT_FOUND)', async () => {
      // The system resolver would answer 127.0.0.1 (BLOCKED): the answer proves which one is used.
      const err = await readFailure(t, `http://localhost:${servers.canary.port}/`);
      expect({ code: err.code, retryable: err.retryable }).toEqual({
        code: 'NOT_FOUND',
        retryable: false,
      });
      expect(servers.dns.queriesFor('localhost', 'A')).toHaveLength(1);
    });

    it('reports a server failure (SERVFAIL) as temporary, and connects nowhere', async () => {
      servers.dns.set('broken.dns.test', 'SERVFAIL');
      const err = await readFailure(
        t,
        `http://broken.dns.test:${servers.canary.port}/${randomUUID()}`,
      );
      expect(err.code).toBe('TEMPORARY');
      expect(err.message).toMatch(/ESERVFAIL/);
    });

    it.each(CORPUS)(
      'callbacks refuse %s (%s): the delivery is dead at once, nothing is sent',
      async (_what, name, _records, blocked) => {
        const jobId = await withCallback(t, `http://${name}:${servers.canary.port}/hook`);
        const d = await delivery(t, jobId, ['dead']);
        expect(d).toMatchObject({ attempts: 1, last_status_code: null });
        expect(d.last_error).toMatch(
          new RegExp(`^BLOCKED: blocked: ${escape(name)} resolves to ${escape(blocked)}`),
        );
        expect(servers.dns.queriesFor(name, 'A').length).toBeGreaterThan(0);
      },
    );
  });
});
