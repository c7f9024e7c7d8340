import { Injectable } from '@nestjs/common';
import type { TaskEntity } from '../../tasks/task.entity';
import { InteractionsRepository } from '../storage/interactions.repository';

/**
 * A stage task of a conversation ended (its `ended` hook): a failure for good makes the
 * conversation ERROR (with the code, message and stage), a cancel CANCELLED. A success moves
 * nothing here: each stage moves the conversation itself as it goes.
 */
@Injectable()
export class InteractionEnded {
  constructor(private readonly repo: InteractionsRepository) {}

  async stageEnded(task: TaskEntity): Promise<void> {
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
