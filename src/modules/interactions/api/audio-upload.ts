import { Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { AppConfig } from '../../../common/config/app.config';
import { FieldError, InvalidFieldsException } from '../../../common/http/validation';
import { AudioRejected, sniffAudio, SUPPORTED_AUDIO } from '../upload/audio-file';

/** What multer leaves of an upload streamed to disk. */
export interface UploadedAudio {
  path: string;
  size: number;
  originalname?: string;
}

export interface CheckedUpload {
  path: string;
  bytes: number;
  mime: string;
  sha256: string;
  duration_seconds: number | null;
  user_id: string;
  mode: 'recap' | 'live';
}

export const MODES = ['recap', 'live'] as const;
const USER_ID = /^[\w.@:-]{1,255}$/;

/**
 * Checks an upload that multer has already streamed to disk (never buffered; larger than
 * INTERACTIONS_MAX_UPLOAD_MB is a 413 before this): the fields, the type by its content, the
 * duration its container states (INTERACTIONS_MIN_SECONDS – INTERACTIONS_MAX_SECONDS), its
 * SHA-256. Anything wrong is a 4xx naming the field, and the file is deleted: nothing is kept.
 */
@Injectable()
export class AudioUpload {
  constructor(private readonly config: AppConfig) {}

  async check(
    file: UploadedAudio | undefined,
    fields: Record<string, unknown>,
  ): Promise<CheckedUpload> {
    try {
      const errors: FieldError[] = [];
      if (!file)
        errors.push({ field: 'file', message: `an audio file is required (${SUPPORTED_AUDIO})` });
      const mode = fields.mode ?? 'recap';
      if (!MODES.includes(mode as never))
        errors.push({ field: 'mode', message: `mode must be one of ${MODES.join(', ')}` });
      const user = fields.user_id;
      if (typeof user !== 'string' || !USER_ID.test(user))
        errors.push({
          field: 'user_id',
          message: 'user_id is required: 1-255 letters, digits or . _ @ : -',
        });
      if (errors.length) throw new InvalidFieldsException(errors);
      const f = file!;
      let facts;
      try {
        facts = await sniffAudio(f.path);
      } catch (err) {
        if (!(err instanceof AudioRejected)) throw err;
        if (err.code === 'UNSUPPORTED_TYPE')
          throw new UnsupportedMediaTypeException({
            detail: `${err.message} (accepted: ${SUPPORTED_AUDIO})`,
            errors: [{ field: 'file', message: err.message }],
          });
        throw new InvalidFieldsException([{ field: 'file', message: err.message }]);
      }
      const d = facts.duration_seconds;
      const { INTERACTIONS_MIN_SECONDS: min, INTERACTIONS_MAX_SECONDS: max } = this.config;
      if (d !== null && (d < min || d > max))
        throw new InvalidFieldsException([
          {
            field: 'file',
            message: `the recording lasts ${Math.round(d * 10) / 10} s; accepted: ${min}–${max} s`,
          },
        ]);
      return {
        path: f.path,
        bytes: f.size,
        mime: facts.mime,
        sha256: await sha256Of(f.path),
        duration_seconds: d,
        user_id: user as string,
        mode: mode as CheckedUpload['mode'],
      };
    } catch (err) {
      if (file?.path) await unlink(file.path).catch(() => undefined);
      throw err;
    }
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
