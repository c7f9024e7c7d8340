import { DAY, useSweepsApp } from './sweeps-harness';

/** The retention sweep (finished tasks past TASK_RETENTION_DAYS), and the metrics of every sweep. */
describe('sweeps (real Postgres + Redis)', () => {
  const { ds, sweeps, seed, row, sweepMetric } = useSweepsApp('retention');

  describe('retention', () => {
    it('deletes finished tasks older than TASK_RETENTION_DAYS and keeps the rest', async () => {
      const old = await Promise.all(
        (['succeeded', 'failed', 'cancelled'] as const).map((status) =>
          seed({ status, createdAgo: 32 * DAY, updatedAgo: 31 * DAY, finishedAgo: 31 * DAY }),
        ),
      );
      const recent = await seed({
        status: 'succeeded',
        createdAgo: 30 * DAY,
        updatedAgo: 29 * DAY,
        finishedAgo: 29 * DAY,
      });
      // Unfinished tasks are never deleted, however old.
      const oldQueued = await seed({
        status: 'queued',
        createdAgo: 90 * DAY,
        nextAttemptIn: DAY,
      });
      const oldRunning = await seed({
        status: 'running',
        attempts: 1,
        createdAgo: 90 * DAY,
        updatedAgo: 0,
      });

      expect(await sweeps.run('retention')).toBe(3);

      for (const id of old) expect(await row(id)).toBeUndefined();
      for (const id of [recent, oldQueued, oldRunning]) expect(await row(id)).toBeDefined();
      expect(await sweeps.run('retention')).toBe(0);
      await ds.query(`DELETE FROM tasks WHERE id = ANY($1)`, [[oldQueued, oldRunning]]);
    });
  });

  describe('metrics', () => {
    it('deletes provider answers past their cache lifetime, and keeps the fresh ones', async () => {
      const put = (key: string, expiresIn: string) =>
        ds.query(
          `INSERT INTO provider_cache (key, provider, operation, response, expires_at)
           VALUES ($1, 'p', 'op', '{}', now() + $2::interval)`,
          [key, expiresIn],
        );
      await put('r'.repeat(64), '-1 minute');
      await put('f'.repeat(64), '1 hour');
      expect(await sweeps.run('retention')).toBe(1);
      const left = await ds.query(`SELECT key FROM provider_cache ORDER BY key`);
      expect(left).toEqual([{ key: 'f'.repeat(64) }]);
      await ds.query(`DELETE FROM provider_cache`);
    });

    it('counts each run by sweep and outcome, and what it acted on', async () => {
      const before = await sweepMetric('assay_sweep_runs_total', 'retention', 'outcome="ok"');
      const affectedBefore = await sweepMetric('assay_sweep_affected_total', 'retention');
      await seed({ status: 'succeeded', updatedAgo: 40 * DAY, finishedAgo: 40 * DAY });
      const started = Date.now() / 1000;
      expect(await sweeps.run('retention')).toBe(1);
      expect(await sweepMetric('assay_sweep_runs_total', 'retention', 'outcome="ok"')).toBe(
        before + 1,
      );
      expect(await sweepMetric('assay_sweep_affected_total', 'retention')).toBe(affectedBefore + 1);
      const last = await sweepMetric('assay_sweep_last_run_timestamp_seconds', 'retention');
      expect(last).toBeGreaterThanOrEqual(Math.floor(started));

      for (const sweep of ['requeue', 'stuck'] as const) {
        const n = await sweepMetric('assay_sweep_runs_total', sweep, 'outcome="ok"');
        await sweeps.run(sweep);
        expect(await sweepMetric('assay_sweep_runs_total', sweep, 'outcome="ok"')).toBe(n + 1);
      }
    });
  });
});
