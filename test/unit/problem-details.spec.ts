import {
  ArgumentsHost,
  BadRequestException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { json } from 'express';
import { Readable } from 'node:stream';
import { ProblemDetailsFilter } from '../../src/common/http/problem-details.filter';
import { InvalidFieldsException } from '../../src/common/http/validation';

/** The error express.json() (body-parser) gives for this body, as it reaches Nest. */
function bodyParserError(
  body: string,
  opts: { limit?: string; contentType?: string } = {},
): Promise<Error> {
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    method: 'POST',
    url: '/api/v1/tasks/create/diagnostic',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  });
  return new Promise((resolve, reject) =>
    json({ limit: opts.limit ?? '1kb' })(req as never, {} as never, (err?: unknown) =>
      err ? resolve(err as Error) : reject(new Error('body-parser accepted the body')),
    ),
  );
}

/** Nest's own mapping of an Express-side error (an HttpException with the error as cause). */
const asNestSeesIt = (err: Error) => new ExpressAdapter().mapException(err) as Error;

/** Runs the filter as Nest would for a request to `url`; returns what was sent. */
function respond(exception: unknown, url = '/api/v1/tasks?limit=5', headersSent = false) {
  const sent: { status?: number; type?: string; body?: string } = {};
  const res = {
    headersSent,
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(t: string) {
      sent.type = t;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ originalUrl: url }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return { ...sent, json: sent.body ? JSON.parse(sent.body) : undefined };
}

describe('ProblemDetailsFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('body-parser errors', () => {
    it('malformed JSON → 400 naming the body, without the parser message', async () => {
      const err = await bodyParserError('{"sleep_ms": ');
      for (const e of [err, asNestSeesIt(err)]) {
        const out = respond(e);
        expect(out.status).toBe(400);
        expect(out.type).toBe('application/problem+json');
        expect(out.json).toEqual({
          type: 'https://assay.dev/problems/bad-request',
          title: 'Bad Request',
          status: 400,
          detail: 'request body is not valid JSON',
          errors: [{ field: 'body', message: 'malformed JSON' }],
          instance: '/api/v1/tasks',
        });
      }
      expect(logged).not.toHaveBeenCalled();
    });

    it('a body over the limit → 413 stating the limit', async () => {
      const err = await bodyParserError(JSON.stringify({ pad: 'x'.repeat(2000) }));
      for (const e of [err, asNestSeesIt(err)]) {
        const out = respond(e);
        expect(out.status).toBe(413);
        expect(out.json).toMatchObject({ title: 'Content Too Large', status: 413 });
        expect(out.json.detail).toMatch(/limit of 1024 bytes/);
      }
    });

    it('an unsupported charset → 415', async () => {
      const err = await bodyParserError('{}', { contentType: 'application/json; charset=klingon' });
      expect(respond(asNestSeesIt(err)).json).toMatchObject({
        status: 415,
        title: 'Unsupported Media Type',
      });
    });
  });

  describe('unknown errors', () => {
    it('→ 500 without the message or the stack, which are logged instead', () => {
      const err = new Error('connect ECONNREFUSED postgres://app:hunter2@10.0.0.5/assay');
      const out = respond(err);
      expect(out.status).toBe(500);
      expect(out.json).toEqual({
        type: 'https://assay.dev/problems/internal-server-error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'an unexpected error occurred; it has been logged',
        instance: '/api/v1/tasks',
      });
      expect(out.body).not.toMatch(/hunter2|ECONNREFUSED|stack|\.ts:\d+/);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(logged.mock.calls[0][0])).toContain('ECONNREFUSED');
    });

    it('→ 500 for a thrown non-Error too', () => {
      expect(respond('boom').json).toMatchObject({ status: 500 });
      expect(respond(undefined).json).toMatchObject({ status: 500 });
    });

    it('writes nothing once the response has started', () => {
      const out = respond(new Error('late'), '/x', true);
      expect(out.status).toBeUndefined();
      expect(out.body).toBeUndefined();
      expect(logged).toHaveBeenCalled();
    });
  });

  describe('HTTP exceptions', () => {
    it("keep their detail and extension members, not Nest's own fields", () => {
      const out = respond(
        new NotFoundException({ detail: 'Unknown task "x"', known_tasks: ['diagnostic'] }),
      );
      expect(out.json).toEqual({
        type: 'https://assay.dev/problems/not-found',
        title: 'Not Found',
        status: 404,
        detail: 'Unknown task "x"',
        known_tasks: ['diagnostic'],
        instance: '/api/v1/tasks',
      });
      const plain = respond(new NotFoundException('Cannot GET /nope')).json;
      expect(plain).toMatchObject({ status: 404, detail: 'Cannot GET /nope' });
      expect(plain).not.toHaveProperty('error');
      expect(plain).not.toHaveProperty('statusCode');
    });

    it('keep field errors and joined messages', () => {
      const fields = respond(
        new InvalidFieldsException([{ field: 'sleep_ms', message: 'must be an integer' }]),
      ).json;
      expect(fields).toMatchObject({
        status: 400,
        detail: 'sleep_ms: must be an integer',
        errors: [{ field: 'sleep_ms', message: 'must be an integer' }],
      });
      expect(respond(new BadRequestException(['a is bad', 'b is bad'])).json.detail).toBe(
        'a is bad; b is bad',
      );
    });

    it('never let a body member replace status (terminus readiness 503)', () => {
      const body = {
        status: 'error',
        info: { postgres: { status: 'up' } },
        error: { redis: { status: 'down', message: 'timeout' } },
        details: { postgres: { status: 'up' }, redis: { status: 'down', message: 'timeout' } },
      };
      const out = respond(new ServiceUnavailableException(body), '/health/ready');
      expect(out.status).toBe(503);
      expect(out.json).toMatchObject({
        title: 'Service Unavailable',
        status: 503,
        instance: '/health/ready',
        error: { redis: { status: 'down' } },
        details: body.details,
      });
    });
  });
});
