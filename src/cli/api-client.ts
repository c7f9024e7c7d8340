import { openAsBlob } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliEnv, CliError, delay, EXIT } from './io';

/** Where and as whom the CLI talks to Assay: `ASSAY_URL` (or `--url`) and `ASSAY_API_KEY`. */
export interface ApiConfig {
  baseUrl: string;
  apiKey?: string;
}

export const DEFAULT_URL = 'http://localhost:3000';

/** The configuration from the environment (`--url` wins over `ASSAY_URL`). */
export function apiConfig(env: CliEnv, urlOption?: string): ApiConfig {
  const raw = (urlOption ?? env.ASSAY_URL ?? '').trim() || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`ASSAY_URL "${raw}" is not a URL (e.g. http://localhost:3000)`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`ASSAY_URL must be an http(s) URL (got "${raw}")`, EXIT.usage);
  }
  if (url.username || url.password) {
    throw new CliError('ASSAY_URL must not carry credentials: set ASSAY_API_KEY', EXIT.usage);
  }
  const apiKey = env.ASSAY_API_KEY?.trim() || undefined;
  return { baseUrl: url.toString().replace(/\/+$/, ''), apiKey };
}

/** An RFC 9457 problem document, as every Assay error is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  [key: string]: unknown;
}

/** The API answered with an error status. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    hint?: string,
  ) {
    super(formatProblem(status, problem, hint), EXIT.failure);
    this.name = 'ApiError';
  }
}

/** A file to upload could not be opened (missing, unreadable, not a file). */
export class LocalFileError extends CliError {
  constructor(message: string) {
    super(message, EXIT.failure);
    this.name = 'LocalFileError';
  }
}

/** Assay could not be reached (connection refused, DNS, timeout). */
export class NetworkError extends CliError {
  constructor(message: string) {
    super(message, EXIT.failure);
    this.name = 'NetworkError';
  }
}

const fieldErrors = (p: Problem) =>
  (Array.isArray(p.errors) ? p.errors : []).map((e) => `${e.field}: ${e.message}`);

/**
 * `detail`, then one `  field: message` line per invalid field. (Assay's detail of a validation
 * error is those lines joined; it is not repeated: the title heads the lines instead.)
 */
export function formatProblem(status: number, problem: Problem, hint?: string): string {
  const fields = fieldErrors(problem);
  const detailIsFields = fields.length > 0 && problem.detail === fields.join('; ');
  const head =
    (!detailIsFields && problem.detail) ||
    problem.title ||
    (fields.length ? 'Invalid request' : '');
  const lines = [`${head || 'Error'} (HTTP ${status})`, ...fields.map((f) => `  ${f}`)];
  if (hint) lines.push(`  hint: ${hint}`);
  return lines.join('\n');
}

/** An error in one line (for a CSV cell or a progress line): the invalid fields, or the detail. */
export function oneLineError(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = fieldErrors(err.problem);
    return fields.length
      ? fields.join('; ')
      : `${err.problem.detail || err.problem.title || 'error'} (HTTP ${err.status})`;
  }
  return String((err as Error)?.message ?? err).replace(/\s*\n\s*/g, '; ');
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as `Idempotency-Key`; also makes the request safe to repeat. */
  idempotencyKey?: string;
  /** Safe to repeat after a 429/502/503/504 or a dropped connection (GETs always are). */
  idempotent?: boolean;
  /** A multipart/form-data body instead of JSON (fetch sets the boundary; Blobs are streamed). */
  form?: FormData;
  /** How long to wait for the answer (default 60 s). */
  timeoutMs?: number;
}

/** A file of a multipart upload: streamed from disk as it is sent, never read whole. */
export interface UploadFile {
  path: string;
  /** Sent as the part's filename (default: the path's base name). */
  name?: string;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Attempts of a request that may be repeated (the first included). */
const MAX_ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 60_000;
/** An upload may take a while on a slow link: the answer comes once the whole file is sent. */
export const UPLOAD_TIMEOUT_MS = 15 * 60_000;

/**
 * A small client of the Assay REST API on Node's fetch: `X-API-Key` auth, JSON in and out (and
 * multipart uploads streamed from disk), problem documents turned into ApiError, and a few retries with backoff for requests that are
 * safe to repeat. It never puts the key in a message.
 */
export class ApiClient {
  constructor(
    readonly config: ApiConfig,
    private readonly signal?: AbortSignal,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  get<T>(path: string, query?: RequestOptions['query']): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { query, idempotent: true });
  }

  post<T>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  /**
   * `POST` of a multipart/form-data form: `fields` as text parts, `files` as file parts streamed
   * from disk (`fs.openAsBlob`). Not repeated after an answer or a dropped connection (an upload
   * is not idempotent), only when the connection was refused.
   */
  async postForm<T>(
    path: string,
    fields: Record<string, string | undefined>,
    files: Record<string, UploadFile>,
  ): Promise<ApiResponse<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
    for (const [k, f] of Object.entries(files)) {
      const name = f.name ?? basename(f.path);
      let blob: Blob;
      try {
        // Opened once to say plainly what is wrong (openAsBlob only stats, and vaguely).
        const handle = await open(f.path, 'r');
        const isFile = (await handle.stat().finally(() => handle.close())).isFile();
        if (!isFile) throw new LocalFileError(`cannot read ${name}: not a file`);
        blob = await openAsBlob(f.path);
      } catch (err) {
        if (err instanceof LocalFileError) throw err;
        const e = err as NodeJS.ErrnoException;
        throw new LocalFileError(`cannot read ${name}: ${e.code ?? e.message}`);
      }
      form.set(k, blob, name);
    }
    return this.request<T>('POST', path, { form, timeoutMs: UPLOAD_TIMEOUT_MS });
  }

  async request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(this.config.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'user-agent': 'assay-cli',
    };
    if (this.config.apiKey) headers['x-api-key'] = this.config.apiKey;
    if (opts.body !== undefined && !opts.form) headers['content-type'] = 'application/json';
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const repeatable = method === 'GET' || !!opts.idempotent || !!opts.idempotencyKey;

    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS);
        res = await this.fetchFn(url, {
          method,
          headers,
          body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
          signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout,
        });
      } catch (err) {
        if (this.signal?.aborted) throw new CliError('interrupted', EXIT.interrupted);
        const code = errorCode(err);
        // A refused connection never reached the server: any request may be sent again.
        if (attempt < MAX_ATTEMPTS && (repeatable || code === 'ECONNREFUSED')) {
          await delay(backoffMs(attempt), this.signal);
          continue;
        }
        throw new NetworkError(
          `Cannot reach Assay at ${this.config.baseUrl} (${code}): is it running? ` +
            `Set ASSAY_URL (or --url) to its address.`,
        );
      }
      const body = await readBody(res);
      if (res.ok) return { status: res.status, body: body as T };
      if (repeatable && RETRY_STATUSES.has(res.status) && attempt < MAX_ATTEMPTS) {
        await delay(retryAfterMs(res) ?? backoffMs(attempt), this.signal);
        continue;
      }
      const problem: Problem =
        body && typeof body === 'object' ? (body as Problem) : { detail: String(body || '') };
      throw new ApiError(res.status, problem, this.hint(res.status));
    }
  }

  private hint(status: number): string | undefined {
    if (status === 401) {
      return this.config.apiKey
        ? 'the key in ASSAY_API_KEY was refused: check it is one of the server’s ASSAY_API_KEYS'
        : 'set ASSAY_API_KEY to one of the server’s API keys';
    }
    if (status === 403) return 'the key in ASSAY_API_KEY may not do this';
    return undefined;
  }
}

function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? String((err as Error)?.message ?? err);
}

function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** (attempt - 1), 4000);
}

/** `Retry-After` in seconds (at most 30 s), if the server sent one. */
function retryAfterMs(res: Response): number | undefined {
  const v = Number(res.headers.get('retry-after'));
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 30) * 1000 : undefined;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
