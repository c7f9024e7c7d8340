import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../common/auth/principal';
import {
  ApiProblem,
  CREATES_TASK_EXTENSION,
  PENDING_HEADERS,
} from '../../common/http/api-docs.decorators';
import { DryRunDto, TaskCreatedDto, TaskDetailDto } from './dto/task-views.dto';
import { toNativeSubmitted } from './task.mapper';
import type { TasksService } from './tasks.service';

/** What a typed create route passes on besides its body. */
export interface NativeCreateRequest {
  wait?: number;
  idempotencyKey?: string;
  traceId: string;
  caller: Principal;
}

/**
 * The one way a typed create route (`POST /api/v1/accounts/enrich`, `/leads/generate`, …) submits
 * its task: the body without `dry_run` and unset fields is the payload; the answer's status and
 * headers (202 + Location + Retry-After, 200 for a reuse, the finished task or an estimate) are set
 * on `res`, and its body returned.
 */
export async function submitNative(
  tasks: Pick<TasksService, 'submit'>,
  taskName: string,
  body: { dry_run?: boolean },
  req: NativeCreateRequest,
  res: Response,
): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
  const { dry_run, ...payload } = body;
  const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  const out = await tasks.submit(taskName, clean, {
    dryRun: dry_run === true,
    idempotencyKey: req.idempotencyKey,
    waitSeconds: req.wait,
    traceId: req.traceId,
    caller: req.caller,
  });
  const answer = toNativeSubmitted(taskName, out);
  res.status(answer.status).set(answer.headers);
  return answer.body;
}

/** The OpenAPI description every typed create route shares (answers, header, problems). */
export function ApiNativeCreate(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    // Marks the operation as creating a task: the document gives it the task callback.
    ApiExtension(CREATES_TASK_EXTENSION, true),
    ApiExtraModels(TaskCreatedDto, TaskDetailDto, DryRunDto),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Same key + same body → the same task (200 with it); the same key with another body → 422. ' +
        '1–255 characters, unique per tenant.',
    }),
    ApiResponse({
      status: 202,
      type: TaskCreatedDto,
      description: 'Task stored and queued (not ended yet)',
      headers: PENDING_HEADERS,
    }),
    ApiResponse({
      status: 200,
      description:
        'A stored result reused; with `?wait=`, the finished task when it ended in time; or the dry-run estimate',
      schema: {
        anyOf: [
          { $ref: '#/components/schemas/TaskCreatedDto' },
          { $ref: '#/components/schemas/TaskDetailDto' },
          { $ref: '#/components/schemas/DryRunDto' },
        ],
      },
    }),
    ApiProblem(400, 'Invalid input; `errors` names each field'),
    ApiProblem(422, 'Idempotency-Key reused with a different body'),
  );
}
