import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { useTestApp } from '../support/test-app';

/** What the OpenAPI suites share (openapi-document, openapi-client): the document and a folder. */

export type Json = Record<string, any>;
export const execFileAsync = promisify(execFile);
export const ROOT = resolve(__dirname, '..', '..');

/**
 * For a describe block: the app (reading sites on 127.0.0.1), its /docs-json, and a fresh working
 * folder holding it as openapi.json (an ES module package inside node_modules, so that code there
 * resolves installed packages such as openapi-fetch); the folder is removed in afterAll.
 */
export function useOpenApiDocument() {
  const app = useTestApp({
    WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
    // Site reading and the type checker share this process's event loop: a generous job lock.
    QUEUE_LOCK_DURATION_MS: '30000',
  });
  const state = { app, doc: {} as Json, dir: '' };
  beforeAll(async () => {
    state.doc = (await app.http().get('/docs-json').expect(200)).body;
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    state.dir = mkdtempSync(join(cache, 'assay-openapi-client-'));
    writeFileSync(join(state.dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(state.dir, 'openapi.json'), JSON.stringify(state.doc, null, 2));
  });
  afterAll(() => {
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
