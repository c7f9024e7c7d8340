import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseActivities } from '../../src/modules/research/parsing/activity-parser';
import type {
  ActivitySourceTab,
  ParsedActivity,
} from '../../src/modules/research/parsing/activity.types';

/** The person whose activity page the fixtures were captured from. */
export const PERSON_URL = 'https://www.linkedin.com/in/jane-doe-12345/';
export const PERSON = 'https://www.linkedin.com/in/jane-doe-12345';
export const CAPTURED_AT = new Date('2026-12-02T10:00:00Z');

export const JANE = {
  name: 'Jane Doe',
  profile_url: PERSON,
  headline: 'VP Sales at Acme Corp | Revenue Operations',
  type: 'person' as const,
};

export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** Parses one fixture as the capture of one tab (the other two tabs absent). */
export function parseFixture(name: string, tab: ActivitySourceTab): ParsedActivity[] {
  return parseActivities(
    { [`${tab}_html`]: fixture(name) },
    { personLinkedinUrl: PERSON_URL, capturedAt: CAPTURED_AT },
  );
}
