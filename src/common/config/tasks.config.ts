import { BoolSetting, IntSetting } from './config-decorators';
import { OpsConfig } from './ops.config';

/** AppConfig, section 4: queues, task leases, workers, retries, sweeps, retention and result reuse. */
export class TasksConfig extends OpsConfig {
  /**
   * BullMQ job lock: a worker that stops renewing it for this long (crash, frozen event loop)
   * loses the job to another worker's stalled check. Short, so that a dead worker's tasks run
   * again within seconds; a live worker whose event loop is merely busy keeps its task through
   * the task lease (TASK_LEASE_MS), renewed from a thread of its own.
   */
  @IntSetting(500)
  QUEUE_LOCK_DURATION_MS = 3000;

  @IntSetting(200)
  QUEUE_STALLED_INTERVAL_MS = 1000;

  /**
   * How often a job may be taken back from a worker that lost its lock before BullMQ fails it.
   * High: the task lease, not BullMQ, decides whether a task may run again, so a re-delivered job
   * of a task still held waits for the lease instead of failing.
   */
  @IntSetting(0)
  QUEUE_MAX_STALLED_COUNT = 100;

  /**
   * A running task's lease in PostgreSQL: its worker process renews it every TASK_LEASE_RENEW_MS
   * from a worker thread (independent of the main event loop); another worker takes the task over
   * only once the lease has lapsed (its worker died), so a busy worker's task never runs twice.
   */
  @IntSetting(1000)
  TASK_LEASE_MS = 3000;

  @IntSetting(100)
  TASK_LEASE_RENEW_MS = 1000;

  /** When PostgreSQL cannot be reached, a job is tried again after this long (not counted). */
  @IntSetting(100)
  DB_UNAVAILABLE_RETRY_MS = 1000;

  /** Concurrency override for every task queue (0 = each task type's own). */
  @IntSetting(0)
  WORKER_CONCURRENCY = 0;

  @IntSetting(1)
  TASK_BACKOFF_BASE_MS = 2000;

  @BoolSetting()
  DIAGNOSTIC_TASK_ENABLED = true;

  @BoolSetting()
  SWEEPS_ENABLED = true;

  @IntSetting(1000)
  SWEEP_REQUEUE_INTERVAL_MS = 60000;

  @IntSetting(1000)
  SWEEP_STUCK_INTERVAL_MS = 60000;

  @IntSetting(1000)
  SWEEP_RETENTION_INTERVAL_MS = 3600000;

  /** Finished tasks older than this are deleted by the retention sweep (0 = keep forever). */
  @IntSetting(0)
  TASK_RETENTION_DAYS = 30;

  /**
   * A new task of a scoped type (e.g. account_enhancement of the same account) returns a stored
   * successful result of its tenant at most this old instead of running again (`refresh: true`
   * always runs). 0 = never reuse. The seed reused forever.
   */
  @IntSetting(0)
  RESULT_REUSE_MAX_AGE_HOURS = 720;
}
