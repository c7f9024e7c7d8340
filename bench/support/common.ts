/** What every bench uses: number formatting, the log line, settings from the environment, ports. */
import os from 'node:os';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` with thousands separators and exactly `digits` decimals (en-US). */
export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The machine's 1-, 5- and 15-minute load averages, e.g. `1.42 0.85 0.37`. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ');

/** `[bench 12:34:56] msg` on stdout. */
export const log = (msg: string) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** A non-negative integer from the environment variable `name`; `def` when unset or empty. */
export function envInt(name: string, def: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

export { freePort } from '../../test/support/net';
