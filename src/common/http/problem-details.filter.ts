import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable, isRedisUnavailable } from '../errors/dependency-errors';

/** Retry-After of a 503 while PostgreSQL or Redis is unavailable. */
const RETRY_AFTER_SECONDS = 5;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ field: string; message: string }>;
  [extra: string]: unknown;
}

/**
 * Every error leaves as RFC 9457 problem details (application/problem+json), never with a stack
 * trace. Body-parser errors (malformed JSON, body too large) are mapped to 400 and 413.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = req.originalUrl?.split('?')[0];
    if (problem.dependency) {
      // PostgreSQL or Redis is away: a client may try again shortly; not a bug of ours.
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      this.logger.warn(`${problem.dependency} unavailable: ${errorText(exception)}`);
    } else if (problem.status >= 500 && !(exception instanceof HttpException)) {
      // A deliberate 5xx (e.g. readiness 503) is not a bug: no stack trace for it.
      this.logger.error(
        {
          err:
            exception instanceof Error
              ? { name: exception.name, message: exception.message, stack: exception.stack }
              : exception,
        },
        'unhandled error',
      );
    }
    if (res.headersSent) return;
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): ProblemDetails {
    // Nest wraps body-parser errors in an HttpException whose cause is the original error.
    type BodyParserError = { type?: string; limit?: number };
    const own = exception as BodyParserError & { cause?: BodyParserError };
    const bodyParser: BodyParserError = own?.type ? own : (own?.cause ?? {});
    if (bodyParser?.type === 'entity.too.large') {
      return this.make(413, `request body is larger than the limit of ${bodyParser.limit} bytes`);
    }
    if (bodyParser?.type === 'entity.parse.failed') {
      return this.make(400, 'request body is not valid JSON', [
        { field: 'body', message: 'malformed JSON' },
      ]);
    }
    if (bodyParser?.type === 'encoding.unsupported' || bodyParser?.type === 'charset.unsupported') {
      return this.make(415, 'unsupported body encoding or charset');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'string') return this.make(status, body);
      const b = body as Record<string, unknown>;
      const { detail, message, errors, error, statusCode: _s, ...extra } = b;
      const text =
        (detail as string) ?? (Array.isArray(message) ? message.join('; ') : (message as string));
      const p = this.make(status, text, errors as ProblemDetails['errors']);
      // Nest's own `error` is the status text (the title already says it); any other `error`
      // (e.g. terminus' map of the dependencies that are down) is detail worth keeping.
      if (error !== undefined && typeof error !== 'string') extra.error = error;
      // Extension members never replace the standard ones: `status` stays the HTTP status
      // (terminus puts `status: "error"` in its body, which Express refuses as a status code).
      for (const k of ['type', 'title', 'status', 'instance']) delete extra[k];
      return { ...p, ...extra };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        ...this.make(
          HttpStatus.SERVICE_UNAVAILABLE,
          `PostgreSQL is unavailable right now; nothing was changed. Try again in ${RETRY_AFTER_SECONDS} s`,
        ),
        dependency: 'postgres',
      };
    }
    if (isRedisUnavailable(exception)) {
      return {
        ...this.make(
          HttpStatus.SERVICE_UNAVAILABLE,
          `Redis is unavailable right now. Try again in ${RETRY_AFTER_SECONDS} s`,
        ),
        dependency: 'redis',
      };
    }
    return this.make(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'an unexpected error occurred; it has been logged',
    );
  }

  private make(status: number, detail?: string, errors?: ProblemDetails['errors']): ProblemDetails {
    const title = TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
    const p: ProblemDetails = {
      type: `https://assay.dev/problems/${title.toLowerCase().replace(/\s+/g, '-')}`,
      title,
      status,
    };
    if (detail) p.detail = detail;
    if (errors?.length) p.errors = errors;
    return p;
  }
}
