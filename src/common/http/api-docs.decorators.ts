import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiResponse,
  ApiSecurity,
  type HeadersObject,
  type ResponseObject,
} from '@nestjs/swagger';

const PROBLEM_REF = '#/components/schemas/ProblemDetails';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
});

/** A response whose body is a problem document (RFC 9457). */
export const problemResponse = (description: string, headers?: HeadersObject): ResponseObject => ({
  ...problem(description),
  ...(headers ? { headers } : {}),
});

const RETRY_AFTER: HeadersObject = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' },
  },
};

/**
 * The error answers any operation can give, added to every operation of the document (see
 * buildOpenApiDocument) unless it documents its own.
 */
export const COMMON_PROBLEMS: Record<string, ResponseObject> = {
  '429': problemResponse(
    'Too many requests: wait Retry-After seconds. Assay sets no per-client limit of its own today; a ' +
      'limit in front of it (a gateway) or a later version may answer this',
    RETRY_AFTER,
  ),
  '500': problemResponse('Unexpected error (a problem document, never a stack trace)'),
  '503': problemResponse(
    'PostgreSQL or Redis is unavailable for a moment: try again after Retry-After seconds',
    RETRY_AFTER,
  ),
};

/** OpenAPI extension on the operations that create a task (and so send its callbacks). */
export const CREATES_TASK_EXTENSION = 'x-creates-task';

/** Headers of an answer whose task has not ended yet (the create routes). */
export const PENDING_HEADERS = {
  Location: {
    description: 'Where to read the task (sent while it has not ended)',
    schema: { type: 'string' as const },
  },
  'Retry-After': {
    description: 'Seconds to wait before reading it (sent while it has not ended)',
    schema: { type: 'integer' as const },
  },
};

/**
 * Any JSON value, null included (for properties whose type depends on the data, e.g. a field's
 * value before and after a change), written out so that generators do not read it as an empty
 * object. OpenAPI 3.0 has no null type: the string branch is the nullable one.
 */
export const JSON_VALUE_SCHEMA = {
  anyOf: [
    { type: 'string', nullable: true },
    { type: 'number' },
    { type: 'boolean' },
    {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', nullable: true },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'object', additionalProperties: true },
        ],
      },
    },
    { type: 'object', additionalProperties: true },
  ],
};

/** The error responses every authenticated route can give, documented once. */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth('bearer'),
    ApiSecurity('api-key'),
    ApiResponse({ status: 401, ...problem('Missing or wrong API key') }),
  );
}

export function ApiProblem(status: number, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiResponse({ status, ...problem(description) }));
}
