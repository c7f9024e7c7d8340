import { Injectable } from '@nestjs/common';
import { TaskError } from '../../tasks/engine/task-errors';
import type { TaskEntity } from '../../tasks/task.entity';
import type { InteractionRow } from '../storage/interaction.types';
import { InteractionsRepository } from '../storage/interactions.repository';

/** The error a stage task ends with when its conversation was cancelled. */
export const cancelledStage = () => TaskError.permanent('CANCELLED', 'cancelled on request');

/**
 * What both stage tasks of a conversation share: how a stage starts (the conversation read, gone
 * or cancelled ends the task for good) and how it ends (its `ended` hook: a failure for good makes
 * the conversation ERROR with the code, message and stage, a cancel CANCELLED; a success moves
 * nothing here — each stage moves the conversation itself as it goes).
 */
@Injectable()
export class InteractionStages {
  constructor(private readonly repo: InteractionsRepository) {}

  /** The conversation a stage works on; `needs` names what an earlier stage must have stored. */
  async start(id: string, needs?: 'transcript'): Promise<InteractionRow> {
    const row = await this.repo.get(id);
    if (!row || (needs && !row[needs]))
      throw TaskError.permanent(
        'NOT_FOUND',
        needs ? `no transcribed interaction ${id}` : `no interaction ${id} (erased?)`,
      );
    if (row.cancel_requested_at) throw cancelledStage();
    return row;
  }

  async ended(task: TaskEntity): Promise<void> {
    const id = (task.input as { interaction_id?: string }).interaction_id;
    if (!id || task.status === 'succeeded') return;
    const e = task.error;
    if (task.status === 'cancelled' || e?.code === 'CANCELLED') {
      await this.repo.advance(id, 'CANCELLED', 'Cancelled');
      return;
    }
    await this.repo.advance(id, 'ERROR', e?.message ?? 'failed', {
      error: {
        code: e?.code ?? 'INTERNAL',
        message: e?.message ?? 'failed',
        stage: e?.stage ?? null,
      },
    });
  }
}
