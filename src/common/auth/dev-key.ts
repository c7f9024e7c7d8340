import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Where a development run keeps its generated API key (git ignores `.assay/`). */
export const DEV_KEY_FILE = '.assay/dev-api-key';

/**
 * The API key of a development run without ASSAY_API_KEYS: read from DEV_KEY_FILE when an earlier
 * run wrote one, else generated and written there (owner-readable only), so that scripts keep
 * working across restarts. Never used in production (which refuses to start without keys).
 */
export function developmentKey(cwd = process.cwd()): {
  key: string;
  path: string;
  created: boolean;
} {
  const path = resolve(cwd, DEV_KEY_FILE);
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (key.length >= 16) return { key, path, created: false };
  }
  const key = randomBytes(24).toString('base64url');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return { key, path, created: true };
}
