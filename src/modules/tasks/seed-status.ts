import type { TaskStatus } from './task.entity';

/**
 * The seed's status words, used on the seed routes (`/status`, `/failed`, create, retry) and in
 * callbacks; the native status travels beside them as `assay_status`. Native routes keep native
 * names.
 */
export const SEED_STATUSES = [
  'scheduled',
  'processing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type SeedStatus = (typeof SEED_STATUSES)[number];

const WORDS: Record<TaskStatus, SeedStatus> = {
  queued: 'scheduled',
  running: 'processing',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function seedStatus(status: TaskStatus): SeedStatus {
  return WORDS[status];
}
