import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ForbiddenException, INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AuthGuard } from './common/auth/auth.guard';
import { AppConfig } from './common/config/app.config';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { CallbackQueue } from './modules/callbacks/callback-queue';
import { MAINTENANCE_QUEUE } from './modules/sweeps/sweeps.scheduler';
import { TaskQueues } from './modules/tasks/engine/task-queues';
import { TaskRegistry } from './modules/tasks/engine/task-registry';
import { httpMetricsMiddleware } from './common/metrics/http-metrics.middleware';
import { MetricsService } from './common/metrics/metrics.service';
import { addCallbackWebhooks } from './modules/callbacks/callbacks.openapi';
import { ProblemDetailsFilter } from './common/http/problem-details.filter';
import { inputShapeMiddleware, ParamShapePipe, validationPipe } from './common/http/validation';

/**
 * Body limit, security headers, validation, API docs and the queue dashboard. Returns what must
 * run once the app is initialised (the dashboard learns the queues from the task registry).
 */
export function setupHttp(app: NestExpressApplication, config: AppConfig): () => void {
  app.disable('x-powered-by');
  if (config.METRICS_ENABLED) app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.set('trust proxy', false);
  const strict = helmet();
  // Swagger UI and Bull Board ship inline scripts and styles.
  const relaxed = helmet({ contentSecurityPolicy: false });
  app.use((req: Request, res: Response, next: NextFunction) =>
    /^\/(docs|queues)(\/|$)/.test(req.path) ? relaxed(req, res, next) : strict(req, res, next),
  );
  app.useBodyParser('json', {
    limit: config.HTTP_BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
  });
  // NUL, lone surrogates, prototype keys and deep nesting: a 400 before any route or pipe.
  app.use(inputShapeMiddleware());
  app.useGlobalPipes(new ParamShapePipe(), validationPipe);

  const api = config.ASSAY_ROLE !== 'worker';
  const board = api && config.QUEUE_DASHBOARD_ENABLED ? mountQueueDashboard(app) : undefined;
  let document: OpenAPIObject | undefined;
  if (api && config.DOCS_ENABLED) {
    SwaggerModule.setup('docs', app, () => document ?? buildOpenApiDocument(app), {
      jsonDocumentUrl: 'docs-json',
      yamlDocumentUrl: 'docs-yaml',
    });
  }
  // Task types are discovered during init; the dashboard and the docs need them.
  return () => {
    // Every queue: the task queues, the callbacks queue and the sweeps' maintenance queue.
    const queues: Queue[] = [
      ...app.get(TaskQueues).allQueues(),
      app.get(CallbackQueue).queue,
      app.get<Queue>(getQueueToken(MAINTENANCE_QUEUE), { strict: false }),
    ];
    board?.setQueues(queues.map((q) => new BullMQAdapter(q)));
    if (api && config.DOCS_ENABLED) document = buildOpenApiDocument(app);
  };
}

/** The OpenAPI document, with each task type's payload schema on the create route. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const types = app.get(TaskRegistry).all();
  const document = SwaggerModule.createDocument(app, buildOpenApiConfig(), {
    extraModels: types.map((t) => t.input),
  });
  const create = document.paths['/api/v1/tasks/create/{task_name}']?.post;
  if (create && types.length) {
    create.requestBody = {
      required: true,
      description: 'The payload of the task type named in the path (one schema per task type).',
      content: {
        'application/json': {
          schema: { oneOf: types.map((t) => ({ $ref: `#/components/schemas/${t.input.name}` })) },
        },
      },
    };
    for (const p of create.parameters ?? []) {
      if ('name' in p && p.name === 'task_name') {
        p.schema = { type: 'string', enum: types.map((t) => t.name).sort() };
        p.description = types.map((t) => `\`${t.name}\`: ${t.description ?? ''}`).join('; ');
      }
    }
  }
  addCallbackWebhooks(document);
  return document;
}

export function buildOpenApiConfig() {
  const doc = new DocumentBuilder()
    .setTitle('Assay API')
    .setDescription(
      'Enrichment worker platform: create tasks, follow their progress, list and retry failures. ' +
        'Every route under /api needs credentials, as ASSAY_AUTH says: an API key ' +
        '(Authorization: Bearer <key> or X-API-Key) and/or an OIDC ID token (Authorization: ' +
        'Bearer <token>); none on a local development instance with ASSAY_AUTH=none. ' +
        'Errors are RFC 9457 problem details (401 no or invalid credentials, 403 identity not ' +
        'allowed, 503 OIDC signing keys unreachable).',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description:
          'An ASSAY_API_KEYS key or, with ASSAY_AUTH=oidc, an OIDC ID token (e.g. a Google ID ' +
          'token minted for one of OIDC_AUDIENCES, whose email or sub is on OIDC_ALLOWED_EMAILS / ' +
          'OIDC_ALLOWED_SUBJECTS)',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An ASSAY_API_KEYS key (with ASSAY_AUTH=api_key, the default)',
      },
      'api-key',
    )
    .build();
  doc.components = {
    ...doc.components,
    schemas: {
      ProblemDetails: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string', example: 'https://assay.dev/problems/bad-request' },
          title: { type: 'string', example: 'Bad Request' },
          status: { type: 'integer', example: 400 },
          detail: { type: 'string', example: 'sleep_ms: sleep_ms must not be less than 0' },
          instance: { type: 'string', example: '/api/v1/tasks/create/diagnostic' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                field: { type: 'string', example: 'sleep_ms' },
                message: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
  return doc;
}

function mountQueueDashboard(app: NestExpressApplication) {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/queues');
  const board = createBullBoard({ queues: [], serverAdapter });
  const guard = app.get(AuthGuard);
  const filter = new ProblemDetailsFilter();
  app.use('/queues', (req: Request, res: Response, next: NextFunction) => {
    const refuse = (err: unknown) => {
      const p = filter.toProblem(err);
      // Browsers then ask for credentials: any user name, the API key as password.
      if (p.status === 401)
        res.setHeader('WWW-Authenticate', 'Basic realm="Assay queues", charset="UTF-8"');
      res
        .status(p.status)
        .type('application/problem+json')
        .send(JSON.stringify({ ...p, instance: '/queues' }));
    };
    guard.authenticate(req).then((principal) => {
      // The dashboard shows every tenant's jobs: operators only.
      if (principal.tenant === null) return next();
      refuse(
        new ForbiddenException({
          detail: 'The queue dashboard is for operators (a key not bound to a tenant)',
        }),
      );
    }, refuse);
  });
  app.use('/queues', serverAdapter.getRouter());
  return board;
}
