import { Injectable, OnModuleInit } from '@nestjs/common';
import { COUNT_STATES, TaskQueues } from '../tasks/engine/task-queues';
import { MetricsService } from './metrics.service';

/** Reads queue depths from Redis at scrape time (not on a timer). */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: TaskQueues,
  ) {}

  onModuleInit(): void {
    this.metrics.onCollect(async () => {
      for (const q of this.queues.allQueues()) {
        const counts = await q.getJobCounts(...COUNT_STATES);
        for (const state of COUNT_STATES) {
          this.metrics.queueJobs.set({ queue: q.name, state }, counts[state] ?? 0);
        }
      }
    });
  }
}
