import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { spawnAssay, withOutput } from '../support/spawn';
import { testEnv } from '../support/test-app';
import { useProcesses } from './worker-process-harness';

/** Start-up failures: unreachable PostgreSQL or Redis, an invalid config, a Node older than 24. */
describe('Assay as OS processes (dist/src/main.js)', () => {
  useProcesses();

  describe('start-up failures', () => {
    /** Spawns, waits for the exit, and says how long it took. */
    async function runToExit(env: Record<string, string>, node?: string) {
      const started = Date.now();
      const proc = await spawnAssay(env, { node });
      const exit = await proc.waitForExit(30000);
      return { proc, exit, ms: Date.now() - started };
    }

    it('an unreachable PostgreSQL or Redis, or an invalid config: a clear message and a non-zero exit', async () => {
      // One after the other, so that each one's time is its own (booting Node + Nest takes ~2 s).
      const pg = await runToExit(
        testEnv({ DATABASE_URL: 'postgres://postgres:secretpw@127.0.0.1:1/x' }),
      );
      const redis = await runToExit(testEnv({ REDIS_URL: 'redis://:secretpw@127.0.0.1:1' }));
      const config = await runToExit(
        testEnv({
          PORT: 'abc',
          ASSAY_ROLE: 'bogus',
          // Provider settings are checked with the rest, not silently replaced by defaults.
          APOLLO_TIMEOUT_MS: '30s',
          APOLLO_ENABLED: 'flase',
        }),
      );
      await withOutput([pg.proc, redis.proc, config.proc], () => {
        for (const r of [pg, redis, config]) {
          expect(r.exit.signal).toBeNull();
          expect(r.exit.code).not.toBe(0);
          // No hanging on a dead dependency (generous for a loaded machine).
          expect(r.ms).toBeLessThan(15000);
          expect(r.proc.output).not.toContain('secretpw');
        }
        expect(pg.proc.stderr).toContain(
          'Cannot reach PostgreSQL at postgres://postgres:****@127.0.0.1:1/x',
        );
        expect(pg.proc.stderr).toMatch(/How to fix: start PostgreSQL/);

        expect(redis.proc.stderr).toContain('Cannot reach Redis at redis://:****@127.0.0.1:1');
        expect(redis.proc.stderr).toMatch(/How to fix: start Redis/);

        // One error naming both variables.
        expect(config.proc.stderr.match(/Invalid configuration/g)).toHaveLength(1);
        expect(config.proc.stderr).toMatch(/PORT.*"abc"/);
        expect(config.proc.stderr).toMatch(/ASSAY_ROLE.*"bogus"/);
        expect(config.proc.stderr).toMatch(/Invalid configuration \(4 problems\)/);
        expect(config.proc.stderr).toMatch(
          /APOLLO_TIMEOUT_MS must be a whole number of milliseconds.*"30s"/,
        );
        expect(config.proc.stderr).toMatch(/APOLLO_ENABLED must be true or false.*"flase"/);
      });
    });

    const SYSTEM_NODE = '/usr/bin/node';
    const systemMajor = existsSync(SYSTEM_NODE)
      ? Number(
          execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split(
            '.',
          )[0],
        )
      : undefined;
    const itOldNode = systemMajor !== undefined && systemMajor < 24 ? it : it.skip;

    itOldNode(
      `${SYSTEM_NODE} (older than Node 24) gets the "needs Node.js 24" message`,
      async () => {
        const r = await runToExit(testEnv(), SYSTEM_NODE);
        await withOutput([r.proc], () => {
          expect(r.exit).toEqual({ code: 1, signal: null });
          expect(r.proc.stderr).toContain('Assay needs Node.js 24 or newer');
          expect(r.proc.stderr).toContain(`this is v${systemMajor}.`);
        });
      },
    );
  });
});
