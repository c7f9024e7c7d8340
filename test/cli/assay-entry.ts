/**
 * `assay` from the TypeScript sources, for child-process tests without a build:
 *   node test/support/run-ts.cjs test/cli/assay-entry.ts <args…>
 */
import { cliMain } from '../../src/cli/main';

cliMain(process.argv.slice(3));
