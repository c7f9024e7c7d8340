import { inspect } from 'node:util';

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * @google/genai sends Node's built-in fetch through the undici dispatcher Node keeps on its real
 * globalThis. Jest runs each test file in a VM context whose globalThis lacks it, so under Jest
 * (only) every SDK request fails with "Undici globalDispatcher is not available". This hands the
 * sandbox the real dispatcher. Plain Node, i.e. the app, needs nothing of the kind.
 */
export function shareUndiciDispatcherWithJest(): void {
  const sandbox = globalThis as Record<symbol, unknown>;
  if (sandbox[DISPATCHER]) return;
  // A function of Node's own realm evaluates in Node's real global scope.
  const real = (inspect.constructor as FunctionConstructor)('return globalThis')() as {
    Headers: new () => unknown;
  } & Record<symbol, unknown>;
  if (!real[DISPATCHER]) new real.Headers(); // makes Node initialise undici lazily
  sandbox[DISPATCHER] = real[DISPATCHER];
}
