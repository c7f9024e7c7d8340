import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ForbiddenException, INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import {
  DocumentBuilder,
  OpenAPIObject,
  SwaggerModule,
  type OperationObject,
  type PathItemObject,
  type ReferenceObject,
  type RequestBodyObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { AuthGuard } from './common/auth/auth.guard';
import { AppConfig } from './common/config/app.config';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { CallbackQueue } from './modules/callbacks/callback-queue';
import { MAINTENANCE_QUEUE } from './modules/sweeps/sweeps.scheduler';
import { TaskQueues } from './modules/tasks/engine/task-queues';
import { TaskRegistry } from './modules/tasks/engine/task-registry';
import type { ResolvedTaskType } from './modules/tasks/engine/task-type.decorator';
import { COMMON_PROBLEMS, problemResponse } from './common/http/api-docs.decorators';
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
  // Captured pages (LinkedIn activity HTML, a few MB) have their own, larger limit; the parser
  // mounted first reads the body, the global one below then leaves it alone.
  app.use(
    ['/api/v1/tasks/create/lead_linkedin_research', '/api/v1/research/linkedin'],
    json({
      limit: config.HTTP_CAPTURE_BODY_LIMIT,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.useBodyParser('json', {
    limit: config.HTTP_BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
  });
  // CSV uploads (POST /api/v1/emails/jobs/csv) arrive as text.
  app.useBodyParser('text', { limit: config.HTTP_BODY_LIMIT, type: ['text/csv'] });
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

/** The generic create route; each task type is also documented under its own path. */
const CREATE_PATH = '/api/v1/tasks/create/{task_name}';

const pascal = (name: string) =>
  name.replace(/(^|[_\-.\s]+)([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase());

/**
 * The OpenAPI document, written for client generators (openapi-typescript, openapi-generator):
 * verb operation ids, each task type's payload on the create routes, the callback POST, the
 * errors every operation can answer, and no `default` in request schemas (a generator would
 * make those properties required).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const types = app.get(TaskRegistry).all();
  const config = app.get(AppConfig);
  const document = SwaggerModule.createDocument(app, buildOpenApiConfig(), {
    extraModels: [...types.map((t) => t.input), ...types.flatMap((t) => t.seedInput ?? [])],
    // A route without its own verb operation id still gets a unique one (e.g. listCallbacks).
    operationIdFactory: (controller, method) => `${method}${controller.replace(/Controller$/, '')}`,
  });
  if (types.length) documentTaskTypes(document, types);
  documentOpsSecurity(document, config.OPS_REQUIRE_API_KEY);
  addCommonProblems(document);
  addCallbackWebhooks(document);
  requestDefaultsToText(document);
  return document;
}

/**
 * The create route's body: one schema per task type (the payload its seed route validates, plus
 * the control fields every payload may carry), as `anyOf` on the generic path (a payload of one
 * type may well be valid for another: they are not exclusive) and alone under each type's own
 * path (`/api/v1/tasks/create/diagnostic`, …), which a typed client can call by name.
 */
function documentTaskTypes(document: OpenAPIObject, types: ResolvedTaskType<any>[]): void {
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  /** A payload schema: the type's input DTO and the control fields every payload may carry. */
  const payload = (name: string, input: { name: string }, description: string) => {
    schemas[name] = {
      description,
      allOf: [
        { $ref: `#/components/schemas/${input.name}` },
        { $ref: '#/components/schemas/TaskControlFieldsDto' },
      ],
    };
    return { $ref: `#/components/schemas/${name}` };
  };
  const sorted = [...types].sort((a, b) => a.name.localeCompare(b.name));
  const about = (t: ResolvedTaskType<any>) => (t.description ? `: ${t.description}` : '');
  // The batch validates each payload with the type's input DTO (the seed route with its seedInput).
  const batch = schemas.BatchCreateDto as SchemaObject | undefined;
  const items = batch?.properties?.payloads as SchemaObject | undefined;
  if (items?.type === 'array') {
    items.items = {
      anyOf: sorted.map((t) =>
        payload(`${pascal(t.name)}BatchItem`, t.input, `A ${t.name} payload of a batch${about(t)}`),
      ),
    };
  }
  const generic = document.paths[CREATE_PATH]?.post;
  if (!generic) return;
  const refs = new Map(
    sorted.map((t) => [
      t.name,
      payload(
        `${pascal(t.name)}TaskPayload`,
        t.seedInput ?? t.input,
        `Payload of a ${t.name} task${about(t)}`,
      ),
    ]),
  );
  const body = (schema: object) => ({
    required: true,
    content: { 'application/json': { schema } },
  });
  const typed: Record<string, PathItemObject> = {};
  for (const t of sorted) {
    const op: OperationObject = structuredClone(generic);
    op.operationId = `create${pascal(t.name)}Task`;
    op.summary = `Create a ${t.name} task (seed route)`;
    op.description = `${t.description ? `${t.description}. ` : ''}The same route as createTask with task_name=${t.name}: ${generic.description ?? ''}`;
    op.parameters = (op.parameters ?? []).filter((p) => !('name' in p && p.name === 'task_name'));
    op.requestBody = { description: `The ${t.name} payload`, ...body(refs.get(t.name)!) };
    typed[`/api/v1/tasks/create/${t.name}`] = { post: op };
  }
  generic.requestBody = {
    description:
      'The payload of the task type named in the path (one schema per task type; each type also has its own path).',
    ...body({ anyOf: [...refs.values()] }),
  };
  for (const p of generic.parameters ?? []) {
    if ('name' in p && p.name === 'task_name') {
      p.schema = { type: 'string', enum: sorted.map((t) => t.name) };
      p.description = sorted.map((t) => `\`${t.name}\`: ${t.description ?? ''}`).join('; ');
    }
  }
  // The typed paths right after the generic one, as a reader expects them.
  document.paths = Object.fromEntries(
    Object.entries(document.paths).flatMap(([path, item]) =>
      path === CREATE_PATH ? [[path, item], ...Object.entries(typed)] : [[path, item]],
    ),
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const operationsIn = (item: PathItemObject): OperationObject[] =>
  METHODS.flatMap((m) => (item[m] ? [item[m]] : []));
const operationsOf = (document: OpenAPIObject): OperationObject[] =>
  Object.values(document.paths).flatMap(operationsIn);

/**
 * /health and /metrics: open (`security: []`) unless OPS_REQUIRE_API_KEY, then the API's
 * credentials and their 401.
 */
function documentOpsSecurity(document: OpenAPIObject, required: boolean): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (path.startsWith('/api/')) continue;
    for (const op of operationsIn(item)) {
      op.security = required ? [{ bearer: [] }, { 'api-key': [] }] : [];
      if (required) {
        op.responses['401'] ??= problemResponse(
          'Missing or wrong credentials (OPS_REQUIRE_API_KEY=true)',
        );
      }
    }
  }
}

/** 429, 500 and 503 (problem documents) on every operation that does not document its own. */
function addCommonProblems(document: OpenAPIObject): void {
  for (const op of operationsOf(document)) {
    for (const [status, response] of Object.entries(COMMON_PROBLEMS)) {
      op.responses[status] ??= structuredClone(response);
    }
  }
}

/**
 * `default` → description, in every schema a request body uses. A default says what the server
 * assumes when the field is absent, but openapi-typescript (and others) read it as "always
 * present" and make the field required in the generated type, which a client must then send.
 */
function requestDefaultsToText(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const seen = new Set<object>();
  const visit = (node: SchemaObject | ReferenceObject | boolean | undefined): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if ('$ref' in node) {
      const name = node.$ref.match(/^#\/components\/schemas\/(.+)$/)?.[1];
      return visit(name ? schemas[name] : undefined);
    }
    if (node.default !== undefined) {
      const text = `default: ${JSON.stringify(node.default)}`;
      node.description = node.description ? `${node.description} (${text})` : `${text}.`;
      delete node.default;
    }
    for (const child of [
      ...Object.values(node.properties ?? {}),
      ...(node.allOf ?? []),
      ...(node.anyOf ?? []),
      ...(node.oneOf ?? []),
      node.items,
      node.not,
      node.additionalProperties,
    ]) {
      visit(child);
    }
  };
  for (const op of operationsOf(document)) {
    const body = op.requestBody as RequestBodyObject | undefined;
    for (const media of Object.values(body?.content ?? {})) visit(media.schema);
  }
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
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the server this document was read from (Assay has no setting for its public URL;
    // a client passes its base URL, e.g. openapi-fetch's `baseUrl`).
    .addServer('/', 'The server that serves this document')
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
        description:
          'RFC 9457 problem details; some problems add their own members (known_tasks, job_id, status_now, …)',
        additionalProperties: true,
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
