import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { API_KEY } from '../support/env';
import { TestApp } from '../support/test-app';
import { execFileAsync, Json, useOpenApiDocument } from './openapi-harness';
import { RUNNER, SAMPLE_CLIENT } from './openapi-sample-client';

/**
 * The OpenAPI document through a client generator: `openapi-typescript` turns /docs-json into
 * types, a client written as the README shows (`openapi-fetch`, openapi-sample-client.ts) compiles
 * with `strict: true` without a single diagnostic and then runs against the booted app.
 */
describe('OpenAPI document → openapi-typescript + openapi-fetch client', () => {
  let site: CompanySite;
  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
  });
  afterAll(async () => {
    await site?.close();
  });
  const openapi = useOpenApiDocument();
  let t: TestApp;
  let doc: Json;
  let dir: string;
  beforeAll(() => {
    ({ doc, dir } = openapi);
    t = openapi.app.t;
  });

  it('generates types that a README-style client compiles against (strict, 0 diagnostics) and runs with', async () => {
    const types = astToString(await openapiTS(doc as any));
    writeFileSync(join(dir, 'assay-api.ts'), types);
    writeFileSync(join(dir, 'client.ts'), SAMPLE_CLIENT);

    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => dir,
      getNewLine: () => '\n',
    });
    expect(text).toBe('');
    expect(diagnostics).toHaveLength(0);

    // Run it: the same source, compiled to JavaScript, against the booted app.
    const js = ts.transpileModule(SAMPLE_CLIENT, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
    }).outputText;
    writeFileSync(join(dir, 'client.js'), js);
    writeFileSync(join(dir, 'run.mjs'), RUNNER);
    const accountId = `acct-oa-${randomUUID().slice(0, 8)}`;
    const args = {
      baseUrl: t.url,
      apiKey: API_KEY,
      website: `${site.origin}/`,
      accountId,
    };
    const { stdout } = await execFileAsync(
      process.execPath,
      [join(dir, 'run.mjs'), JSON.stringify(args)],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' } },
    );
    const out = JSON.parse(stdout) as Json;
    expect(out).toMatchObject({
      waitedStatus: 'completed',
      result: expect.objectContaining({ ok: true }),
      enrichHttpStatus: 200,
      enrichStatus: 'succeeded',
      companyName: expect.stringMatching(/^Brightforge/),
      againStatus: 'scheduled',
      problem: 404,
    });
    expect(['scheduled', 'processing', 'completed']).toContain(out.seedStatus);
    expect(out.technologies).toEqual(expect.arrayContaining(['Nginx']));
    expect(out.listed).toContain(out.jobId);
    expect(out.providerCount).toBeGreaterThan(0);
  }, 120_000);
});
