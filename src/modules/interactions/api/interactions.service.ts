import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { AppConfig } from '../../../common/config/app.config';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import { InvalidFieldsException } from '../../../common/http/validation';
import { TasksService } from '../../tasks/tasks.service';
import { EmbeddingStage } from '../pipeline/embedding.stage';
import { TRANSCRIPTION_TASK } from '../pipeline/transcription.task';
import { FINAL_STATES, InteractionRow } from '../storage/interaction.types';
import { InteractionsRepository } from '../storage/interactions.repository';
import { AudioUpload, CheckedUpload, UploadedAudio } from './audio-upload';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantOf = (caller: Principal) => caller.tenant ?? '';

const encodeCursor = (r: InteractionRow) =>
  Buffer.from(`${new Date(r.created_at).toISOString()}|${r.id}`).toString('base64url');
function decodeCursor(cursor: string): { created_at: string; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return id && UUID.test(id) && !Number.isNaN(Date.parse(at)) ? { created_at: at, id } : null;
}

/**
 * Recorded conversations as the API sees them (docs/interactions.md): submitting an upload (the
 * row, then the transcription task), reading, cancelling, erasing, searching by meaning, the
 * users' profiles, and the audio retention sweep.
 */
@Injectable()
export class InteractionsService {
  private readonly logger = new Logger(InteractionsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repo: InteractionsRepository,
    private readonly tasks: TasksService,
    private readonly uploads: AudioUpload,
    private readonly embeddings: EmbeddingStage,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** An upload checked (AudioUpload) becomes a conversation in PENDING and its first task. */
  async submit(
    file: UploadedAudio | undefined,
    fields: Record<string, unknown>,
    caller: Principal,
    traceId: string,
  ): Promise<InteractionRow> {
    const checked: CheckedUpload = await this.uploads.check(file, fields);
    const id = randomUUID();
    await this.repo.insert({
      id,
      tenant_id: tenantOf(caller),
      user_id: checked.user_id,
      mode: checked.mode,
      audio_path: checked.path,
      audio_sha256: checked.sha256,
      audio_mime: checked.mime,
      audio_bytes: checked.bytes,
      duration_seconds: checked.duration_seconds,
    });
    const out = await this.tasks.submit(
      TRANSCRIPTION_TASK,
      { interaction_id: id },
      { traceId, caller, idempotencyKey: `interaction:${id}:transcription` },
    );
    if ('task' in out)
      await this.ds.query(`UPDATE interactions SET transcription_task_id = $2 WHERE id = $1`, [
        id,
        out.task.id,
      ]);
    return (await this.repo.get(id))!;
  }

  async get(id: string, caller: Principal): Promise<InteractionRow> {
    const row = UUID.test(id) ? await this.repo.get(id, caller.tenant) : null;
    if (!row) throw new NotFoundException({ detail: `No interaction ${id}` });
    return row;
  }

  async list(
    q: { user_id: string; cursor?: string; limit?: number },
    caller: Principal,
  ): Promise<Page<InteractionRow>> {
    const limit = q.limit ?? 50;
    const after = cursorParam(q.cursor, decodeCursor) ?? null;
    const rows = await this.repo.list(caller.tenant, q.user_id, after, limit + 1);
    return toPage(rows, limit, (r) => r, encodeCursor);
  }

  /** Stops the flow at the next stage boundary: its tasks cancelled, the conversation CANCELLED. */
  async cancel(id: string, caller: Principal): Promise<InteractionRow> {
    const row = await this.get(id, caller);
    if (FINAL_STATES.includes(row.state) && row.state !== 'CANCELLED')
      throw new ConflictException({
        detail: `The interaction has ended (${row.state}); nothing to cancel`,
        state: row.state,
      });
    await this.ds.query(
      `UPDATE interactions SET cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = $1`,
      [id],
    );
    await this.repo.advance(id, 'CANCELLED', 'Cancelled');
    for (const t of [row.transcription_task_id, row.enrichment_task_id]) {
      if (!t) continue;
      await this.tasks.cancel(t, caller).catch((err: unknown) => {
        // Ended meanwhile, or never queued: nothing left to stop.
        if (!(err instanceof ConflictException || err instanceof NotFoundException)) throw err;
      });
    }
    return (await this.repo.get(id))!;
  }

  /** Erases the conversation: its row and chunks, its audio, its tasks and their cached answers. */
  async erase(
    id: string,
    caller: Principal,
  ): Promise<{ id: string; audio_deleted: boolean; tasks_deleted: number; erased_at: string }> {
    const row = await this.get(id, caller);
    if (!FINAL_STATES.includes(row.state)) await this.cancel(id, caller);
    const gone = await this.repo.delete(id);
    if (!gone) throw new NotFoundException({ detail: `No interaction ${id}` });
    if (gone.audio_path) await unlink(gone.audio_path).catch(() => undefined);
    if (gone.task_ids.length) {
      await this.ds.query(`DELETE FROM provider_cache WHERE task_id = ANY($1::uuid[])`, [
        gone.task_ids,
      ]);
      await this.ds.query(`DELETE FROM tasks WHERE id = ANY($1::uuid[])`, [gone.task_ids]);
    }
    return {
      id,
      audio_deleted: !!gone.audio_path,
      tasks_deleted: gone.task_ids.length,
      erased_at: new Date().toISOString(),
    };
  }

  /** Past conversations of a user by meaning: the query embedded, the nearest chunks. */
  async search(q: { q: string; user_id: string; limit?: number }, caller: Principal) {
    if (!this.embeddings.available())
      throw new InvalidFieldsException(
        [
          {
            field: 'q',
            message: 'search needs an embedding provider (llm.embed): none is configured',
          },
        ],
        'search needs an embedding provider (llm.embed): none is configured',
      );
    const e = await this.embeddings.embed([q.q], {});
    const hits = await this.repo.nearest(caller.tenant, q.user_id, e!.vectors[0], q.limit ?? 10);
    return {
      query: q.q,
      results: hits.map((h) => ({
        interaction_id: h.interaction_id,
        line_from: h.line_from,
        line_to: h.line_to,
        text: h.text,
        score: Math.round(Number(h.score) * 10_000) / 10_000,
        created_at: new Date(h.created_at).toISOString(),
      })),
    };
  }

  async getProfile(userId: string, caller: Principal) {
    const p = await this.repo.profile(tenantOf(caller), userId);
    if (!p) throw new NotFoundException({ detail: `No profile for user ${userId}` });
    return { user_id: userId, ...p.profile, updated_at: new Date(p.updated_at).toISOString() };
  }

  async putProfile(userId: string, profile: Record<string, unknown>, caller: Principal) {
    const known = ['interests', 'persona', 'company', 'role', 'goals'];
    if (!known.some((k) => profile[k] !== undefined))
      throw new InvalidFieldsException([
        { field: 'body', message: `give at least one of ${known.join(', ')}` },
      ]);
    await this.repo.putProfile(tenantOf(caller), userId, profile);
    return this.getProfile(userId, caller);
  }

  /**
   * The retention sweep: audio stored longer than INTERACTIONS_AUDIO_RETENTION_HOURS before `now`
   * is deleted from disk and the deletion recorded (the scrubbed transcript stays).
   */
  async sweepAudio(now = new Date()): Promise<number> {
    const before = new Date(
      now.getTime() - this.config.INTERACTIONS_AUDIO_RETENTION_HOURS * 3600_000,
    );
    const due = await this.repo.audioDue(before, 500);
    for (const d of due) {
      await unlink(d.audio_path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await this.repo.markAudioDeleted(d.id, now);
    }
    if (due.length) this.logger.log(`deleted the audio of ${due.length} interaction(s)`);
    return due.length;
  }
}
