/**
 * A bench's entry: the machine line, its run, its clean-up (also on failure, and on Ctrl-C, which
 * then exits 130), exit code 1 when something broke.
 */
import os from 'node:os';
import { fmt, loadAverage, log } from './common';

export function benchMain(
  run: () => Promise<void>,
  cleanup: () => Promise<void>,
  label = '',
): void {
  const main = async () => {
    const cpus = os.cpus();
    console.log(
      `machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
        `node ${process.version}, ${os.platform()} ${os.release()}, load average ${loadAverage()}${label}`,
    );
    let interrupted = false;
    process.once('SIGINT', () => {
      interrupted = true;
      log('interrupted: cleaning up');
      void cleanup().finally(() => process.exit(130));
    });
    try {
      await run();
      console.log(`load average at the end: ${loadAverage()}`);
    } finally {
      if (!interrupted) await cleanup();
    }
  };
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
