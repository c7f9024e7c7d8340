import type { OpenAPIObject } from '@nestjs/swagger';
import { CALLBACK_USER_AGENT } from './callback-delivery.service';

const header = (description: string, example: string) => ({
  required: true,
  description,
  schema: { type: 'string', example },
});

/**
 * Documents the callback POST that Assay sends, as `x-webhooks` (the document is OpenAPI 3.0,
 * whose schema has no `webhooks` key; Redoc and others read the extension). Added only when the
 * envelope schema is in the document (the api role, where the callbacks controller registers it).
 */
export function addCallbackWebhooks(document: OpenAPIObject): void {
  if (!document.components?.schemas?.CallbackEnvelopeDto) return;
  const post = {
    summary: 'Task callback (sent by Assay to your callback_url)',
    description:
      'Sent when a task ends (task.succeeded, task.failed, task.cancelled) and, with ' +
      '`"callback_progress": true`, at each new stage (task.progress). Signed per Standard Webhooks: verify ' +
      'with `new Webhook(secret).verify(rawBody, headers)` from the `standardwebhooks` package, then dedupe on ' +
      'webhook-id (the same on every retry). Only a 2xx counts as delivered; a 3xx is a failure and is not ' +
      'followed; 410 Gone stops all callbacks to the URL. Retries follow CALLBACK_RETRY_SCHEDULE. Large ' +
      'results arrive as pages, in order, each with its own webhook-id and a `pagination` object.',
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
  (document as OpenAPIObject & { 'x-webhooks'?: unknown })['x-webhooks'] = {
    taskCallback: { post },
  };
}
