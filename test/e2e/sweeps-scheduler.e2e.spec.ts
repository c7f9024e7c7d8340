import { getQueueToken } from '@nestjs/bullmq';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, SweepsScheduler } from '../../src/modules/sweeps/sweeps.scheduler';
import { SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { waitFor } from '../support/test-app';
import { MINUTE, useSweepsApp } from './sweeps-harness';

/** The sweeps' scheduler: one maintenance job per sweep and time bucket, whatever the replicas. */
describe('sweeps (real Postgres + Redis)', () => {
  const suite = useSweepsApp('scheduler');

  describe('scheduler', () => {
    let queue: Queue;
    let scheduler: SweepsScheduler;
    const ALL = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
    const jobIds = async () => (await queue.getJobs([...ALL])).map((j) => j.id).sort();

    beforeAll(() => {
      const app = suite.app.t.app;
      queue = app.get<Queue>(getQueueToken(MAINTENANCE_QUEUE));
      // Not provided when SWEEPS_ENABLED=false; built by hand so no timer runs.
      scheduler = new SweepsScheduler(app.get(SchedulerRegistry), app.get(SweepsService), queue);
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('adds one job per sweep and time bucket, however many ticks (replicas) there are', async () => {
      const every = MINUTE;
      const bucket = Math.floor(Date.now() / every) + 1;
      const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(ms);
      expect(await jobIds()).toEqual([]);

      at(bucket * every + 5);
      await scheduler.tick('retention', every);
      at(bucket * every + every - 5);
      await scheduler.tick('retention', every);
      jest.restoreAllMocks();
      expect(await jobIds()).toEqual([`sweep-retention-${bucket}`]);

      // The worker's maintenance processor runs it.
      const first = await waitFor(async () => {
        const j = await queue.getJob(`sweep-retention-${bucket}`);
        // One read of the job hash: finishedOn and returnvalue are written together.
        return j?.finishedOn ? j : null;
      }, 'the sweep job to complete');
      expect(first.failedReason).toBeUndefined();
      expect(first.returnvalue).toEqual({ affected: 0 });

      at((bucket + 1) * every);
      await scheduler.tick('retention', every);
      jest.restoreAllMocks();
      expect(await jobIds()).toEqual(
        [`sweep-retention-${bucket}`, `sweep-retention-${bucket + 1}`].sort(),
      );
    });
  });
});
