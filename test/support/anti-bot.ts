import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An anti-bot page as walls serve it where a vendor's JSON was expected
 * (`test/fixtures/anti-bot/<name>.html`: `cloudflare-challenge`, `captcha-page`).
 */
export function antiBotPage(name: 'cloudflare-challenge' | 'captcha-page'): string {
  return readFileSync(join(__dirname, '..', 'fixtures', 'anti-bot', `${name}.html`), 'utf8');
}
