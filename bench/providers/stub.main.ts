/**
 * The quota-bound vendor of run (1) as a process of its own (dist/bench/providers/stub.main.js):
 * its clock and event loop share nothing with the bench's polling, as a real vendor's would not.
 * Settings from BENCH_STUB_QUOTA and BENCH_LATENCY_MS; prints `{"bench":"listening","port"}`,
 * then answers GET /_bench/report and POST /_bench/reset besides the vendor route.
 */
import { VendorStub } from './vendor-stub';

async function main(): Promise<void> {
  const stub = await new VendorStub(
    Number(process.env.BENCH_STUB_QUOTA ?? 20),
    Number(process.env.BENCH_LATENCY_MS ?? 50),
  ).start();
  console.log(JSON.stringify({ bench: 'listening', port: Number(new URL(stub.url).port) }));
  const stop = () => void stub.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
