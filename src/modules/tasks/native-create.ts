import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedRequest, Principal, principalOf } from '../../common/auth/principal';
import { requestTraceId } from '../../common/logging/trace';
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

/** What CreateRequest gives a route: everything of NativeCreateRequest but `?wait=`. */
export type CreateRequestOf = Omit<NativeCreateRequest, 'wait'>;

/**
 * The request side of a typed create route in one parameter: its Idempotency-Key header, trace id
 * and caller (`?wait=` comes validated from the route's WaitQueryDto).
 */
export const CreateRequest = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): CreateRequestOf => {
    const req = ctx
      .switchToHttp()
      .getRequest<AuthenticatedRequest & Parameters<typeof requestTraceId>[0]>();
    const key = req.headers['idempotency-key'];
    return {
      idempotencyKey: typeof key === 'string' ? key : undefined,
      traceId: requestTraceId(req),
      caller: principalOf(req),
    };
  },
);

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
