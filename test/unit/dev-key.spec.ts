import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_KEY_FILE, developmentKey } from '../../src/common/auth/dev-key';

describe('development API key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-devkey-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once, kept in .assay/dev-api-key (owner only), and the same on the next start', () => {
    const first = developmentKey(dir);
    expect(first).toMatchObject({ created: true, path: join(dir, DEV_KEY_FILE) });
    expect(first.key.length).toBeGreaterThanOrEqual(16);
    expect(readFileSync(first.path, 'utf8').trim()).toBe(first.key);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const again = developmentKey(dir);
    expect(again).toEqual({ ...first, created: false });
  });

  it('replaces a file that holds no usable key', () => {
    const first = developmentKey(dir);
    writeFileSync(first.path, 'short\n');
    const next = developmentKey(dir);
    expect(next.created).toBe(true);
    expect(next.key).not.toBe('short');
  });
});
