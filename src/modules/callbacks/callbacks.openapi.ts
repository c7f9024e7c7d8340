import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import { CALLBACK_USER_AGENT } from './callback-delivery.service';
import { CREATES_TASK_EXTENSION } from '../../common/http/api-docs.decorators';

const header = (description: string, example: string) => ({
  required: true,
  description,
  schema: { type: 'string', example },
});

/** The callback component that create operations point at (`callbacks.taskCallback`). */
export const TASK_CALLBACK_REF = '#/components/callbacks/TaskCallback';

/** The runtime expression of the URL a task's callbacks go to (its payload's callback_url). */
const CALLBACK_URL_EXPRESSION = '{$request.body#/callback_url}';

/** The POST Assay sends to a callback URL. */
function callbackPost(operationId: string): OperationObject {
  return {
    operationId,
    summary: 'Task callback (sent by Assay to your callback_url)',
    description:
      "Sent to the task's `callback_url` (else to CALLBACK_URL) when a task ends (task.succeeded, task.failed, " +
      'task.cancelled) and, with `"callback_progress": true`, at each new stage (task.progress). Signed per ' +
      'Standard Webhooks: verify with `new Webhook(secret).verify(rawBody, headers)` from the `standardwebhooks` ' +
      'package, then dedupe on webhook-id (the same on every retry). With CALLBACK_AUTH=bearer or ' +
      'google_id_token it also carries `Authorization: Bearer <token>`. Only a 2xx counts as delivered; a 3xx ' +
      'is a failure and is not followed; 410 Gone stops all callbacks to the URL. Retries follow ' +
      'CALLBACK_RETRY_SCHEDULE. Large results arrive as pages, in order, each with its own webhook-id and a ' +
      '`pagination` object.',
    tags: ['callbacks'],
    // The receiver authenticates Assay by the signature (and, if set, CALLBACK_AUTH's token).
    security: [],
    parameters: [
      {
        name: 'webhook-id',
        in: 'header',
        ...header('Delivery id; idempotency key', 'msg_0b8c0b7e-3f7d-4f57-9d6f-2f1a3c1b9e11'),
      },
      {
        name: 'webhook-timestamp',
        in: 'header',
        ...header('Unix seconds of this attempt', '1763892000'),
      },
      {
        name: 'webhook-signature',
        in: 'header',
        ...header(
          'v1,<base64 HMAC-SHA256 of "id.timestamp.body">',
          'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
        ),
      },
      {
        name: 'user-agent',
        in: 'header',
        required: false,
        schema: { type: 'string', example: CALLBACK_USER_AGENT },
      },
    ],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/CallbackEnvelopeDto' } },
      },
    },
    responses: {
      '200': { description: 'Received (any 2xx)' },
      '410': { description: 'Gone: Assay disables this URL and sends nothing more to it' },
      '429': { description: 'Throttled: Retry-After is honoured as the minimum wait' },
    },
  };
}

/**
 * Documents the callback POST that Assay sends, where generators look for it in an OpenAPI 3.0
 * document (whose schema has no `webhooks` key): as `components.callbacks.TaskCallback` (keyed by
 * the runtime expression of the payload's callback_url), referenced as `callbacks.taskCallback`
 * by every operation that creates tasks; and as `x-webhooks.taskCallback` (Redoc and others read
 * the extension). Added only when the envelope schema is in the document (the api role, where
 * the callbacks controller registers it).
 */
export function addCallbackWebhooks(document: OpenAPIObject): void {
  if (!document.components?.schemas?.CallbackEnvelopeDto) return;
  document.components.callbacks = {
    ...document.components.callbacks,
    TaskCallback: { [CALLBACK_URL_EXPRESSION]: { post: callbackPost('sendTaskCallback') } },
  };
  for (const item of Object.values(document.paths)) {
    const op = item.post;
    if (op && isTaskCreation(op)) {
      op.callbacks = { ...op.callbacks, taskCallback: { $ref: TASK_CALLBACK_REF } };
    }
  }
  (document as OpenAPIObject & { 'x-webhooks'?: unknown })['x-webhooks'] = {
    taskCallback: { post: callbackPost('receiveTaskCallback') },
  };
}

/**
 * Operations whose tasks send callbacks: the seed create routes, batch, and every typed create
 * route (marked by ApiNativeCreate).
 */
const CREATES = /^(create[A-Za-z]*Task|createTaskBatch)$/;
const isTaskCreation = (op: OperationObject) =>
  CREATES.test(op.operationId ?? '') ||
  (op as unknown as Record<string, unknown>)[CREATES_TASK_EXTENSION] === true;
