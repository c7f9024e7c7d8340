import { Injectable } from '@nestjs/common';
import { TaskEndBus } from '../engine/task-end-bus';
import { TaskEntity } from '../task.entity';
import { isFinal } from '../task.mapper';
import { TasksRepository } from '../tasks.repository';

/** The most a request may wait for its task (`?wait=`). */
export const MAX_WAIT_SECONDS = 60;

/**
 * While waiting, the task is read again at least this often although its end is announced
 * (in case an announcement is lost), and more often when the announcements cannot be received.
 */
const WAIT_POLL_MS = 5000;
const WAIT_POLL_UNSUBSCRIBED_MS = 1000;

/** `?wait=`: a request that answers once its task has ended (or its wait is over). */
@Injectable()
export class TaskWait {
  constructor(
    private readonly repo: TasksRepository,
    private readonly endBus: TaskEndBus,
  ) {}

  /**
   * The task once it has ended, or as it is after `ms`. Woken by the end announcement (Redis
   * pub/sub: the task may run in another process); reads PostgreSQL only when woken and, in case
   * an announcement is lost, every WAIT_POLL_MS.
   */
  async waitForEnd(task: TaskEntity, ms: number): Promise<TaskEntity> {
    if (isFinal(task)) return task;
    const deadline = Date.now() + ms;
    // Watching starts before the first read: an end between the two is not missed.
    const watch = await this.endBus.watch(task.id);
    try {
      let current = task;
      for (;;) {
        current = (await this.repo.findById(task.id)) ?? current;
        const left = deadline - Date.now();
        if (isFinal(current) || left <= 0 || watch.stopped()) return current;
        await watch.next(Math.min(left, watch.live() ? WAIT_POLL_MS : WAIT_POLL_UNSUBSCRIBED_MS));
      }
    } finally {
      watch.close();
    }
  }
}
