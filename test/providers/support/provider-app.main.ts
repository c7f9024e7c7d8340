/**
 * Entry point of the framework tests' child processes (run through test/support/run-ts.cjs): the
 * real application (createApp, its role from ASSAY_ROLE) plus the test providers described in
 * STUB_PROVIDERS (a JSON array of @Provider metadata) and the provider_probe task type. The
 * spawning test has already migrated the database.
 */
import 'reflect-metadata';
import { createApp } from '../../../src/bootstrap';
import { loadConfig } from '../../../src/common/config/app.config';
import type { ProviderMetadata } from '../../../src/providers/core/enrichment-provider';
import { ProbeTaskModule } from './probe.task';
import { stubProvider, StubProvidersModule } from './stub.provider';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const metas = JSON.parse(process.env.STUB_PROVIDERS ?? '[]') as Array<
    Partial<ProviderMetadata> & { id: string }
  >;
  const app = await createApp(config, [
    StubProvidersModule.with(...metas.map((m) => stubProvider(m))),
    ProbeTaskModule,
  ]);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(JSON.stringify({ msg: 'child listening', port, pid: process.pid }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
