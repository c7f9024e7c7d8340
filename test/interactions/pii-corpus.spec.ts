import { detectPii, scrubPii } from '../../src/modules/interactions/pii';
import { CORPUS, NEGATIVES, POSITIVES, score } from './pii-corpus';

describe('PII detection on the labelled corpus', () => {
  const result = score(CORPUS, (text) => detectPii(text));

  it('has at least 200 sentences with personal data and 200 without', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(200);
    expect(POSITIVES.every((p) => p.pii.length > 0)).toBe(true);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(200);
    expect(NEGATIVES.every((p) => p.pii.length === 0)).toBe(true);
  });

  it('finds at least 98 % of the labelled values (recall)', () => {
    if (result.recall < 0.98) console.log(`misses:\n${result.misses.join('\n')}`);
    expect(result.recall).toBeGreaterThanOrEqual(0.98);
  });

  it('is right at least 95 % of the time it finds something (precision)', () => {
    if (result.precision < 0.95) console.log(`false:\n${result.falsePositives.join('\n')}`);
    expect(result.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('finds every type in the corpus', () => {
    for (const type of ['EMAIL', 'PHONE', 'SSN', 'CARD', 'IBAN', 'IP'] as const) {
      expect(result.perType[type].tp).toBeGreaterThan(10);
    }
  });

  it('leaves at least 98 % of the sentences with personal data with no labelled value readable', () => {
    const leaking = POSITIVES.filter(({ text, pii }) => {
      const scrubbed = scrubPii(text).text;
      return pii.some((p) => scrubbed.includes(text.slice(p.start, p.end)));
    });
    expect(leaking.length / POSITIVES.length).toBeLessThanOrEqual(0.02);
  });
});
