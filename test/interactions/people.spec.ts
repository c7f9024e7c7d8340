import { identityScore } from '../../src/modules/interactions/people/identity';
import { offlinePeople } from '../../src/modules/interactions/people/people-extraction';
import { chunkLines, transcriptLines } from '../../src/modules/interactions/pipeline/transcript';
import type { TranscriptLine } from '../../src/modules/interactions/storage/interaction.types';

const line = (n: number, text: string, speaker: number | null = 0): TranscriptLine => ({
  n,
  speaker,
  start: n,
  end: n + 1,
  text,
});

describe('identity resolution', () => {
  const said = { name: 'Priya Patel', company: 'Acme Robotics', role: 'Head of Infrastructure' };

  it('name, company and role all matching is high confidence, with the evidence', () => {
    const s = identityScore(said, {
      name: 'Priya Patel',
      headline: 'Head of Infrastructure at Acme Robotics',
      linkedin_url: 'https://www.linkedin.com/in/priya-patel-42',
    });
    expect(s.label).toBe('high_confidence');
    expect(s.score).toBeGreaterThanOrEqual(0.8);
    expect(s.evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/name matches/),
        expect.stringMatching(/works at Acme Robotics/),
        expect.stringMatching(/role matches/),
      ]),
    );
  });

  it('the name with the company is high, with the role only medium; the name alone low', () => {
    expect(identityScore(said, { name: 'Priya Patel', company: 'Acme Robotics Inc.' }).label).toBe(
      'high_confidence',
    );
    expect(
      identityScore(said, { name: 'Priya Patel', headline: 'Head of Infrastructure, Globex' })
        .label,
    ).toBe('medium');
    expect(identityScore(said, { name: 'Priya Patel', company: 'Globex' }).label).toBe('low');
  });

  it('another name is 0, whatever else matches; accents and case do not matter', () => {
    expect(identityScore(said, { name: 'Sam Lee', company: 'Acme Robotics' })).toMatchObject({
      score: 0,
      label: 'low',
    });
    expect(
      identityScore(
        { name: 'José Núñez', company: 'Initech', role: null },
        { name: 'jose nunez', company: 'INITECH' },
      ).score,
    ).toBeGreaterThanOrEqual(0.8);
  });

  it('a search result is read from its title and snippet', () => {
    const s = identityScore(said, {
      text: 'Priya Patel - Head of Infrastructure - Acme Robotics | LinkedIn',
      linkedin_url: 'https://www.linkedin.com/in/priyapatel',
    });
    expect(s.label).toBe('high_confidence');
  });
});

describe('offline people extraction (no LLM)', () => {
  it('finds full names with the organisation named on the same line, marked offline_nlp', () => {
    const people = offlinePeople([
      line(1, 'I met Sarah Chen from Stripe at the conference.'),
      line(2, 'Sarah Chen wants a demo next week.'),
      line(3, 'Also John Smith at Acme Corp asked about pricing.'),
      line(4, 'Mike said hi.'),
      line(5, 'Reach [EMAIL_1] for details.'),
    ]);
    expect(people.map((p) => p.name)).toEqual(['Sarah Chen', 'John Smith']);
    expect(people[0]).toMatchObject({ lines: [1, 2], extracted_by: 'offline_nlp' });
    expect(people[1]).toMatchObject({ company: 'Acme Corp', lines: [3] });
    expect(people[0].confidence).toBeLessThan(0.5);
  });
});

describe('transcript lines and chunks', () => {
  it('one numbered line per utterance, speakers and times kept; sentences without utterances', () => {
    const lines = transcriptLines({
      text: 'Hi there. How are you?',
      language: 'en',
      duration_seconds: 3,
      words: [],
      model: null,
      utterances: [
        { speaker: 0, start: 0, end: 1.2, text: ' Hi there. ' },
        { speaker: 1, start: 1.3, end: 2.5, text: 'How are you?' },
        { speaker: 1, start: 2.6, end: 2.7, text: '   ' },
      ],
    });
    expect(lines).toEqual([
      { n: 1, speaker: 0, start: 0, end: 1.2, text: 'Hi there.' },
      { n: 2, speaker: 1, start: 1.3, end: 2.5, text: 'How are you?' },
    ]);
    const plain = transcriptLines({
      text: 'One. Two! Three?',
      language: null,
      duration_seconds: null,
      words: [],
      model: null,
      utterances: [],
    });
    expect(plain.map((l) => [l.n, l.text, l.speaker])).toEqual([
      [1, 'One.', null],
      [2, 'Two!', null],
      [3, 'Three?', null],
    ]);
  });

  it('chunks keep whole lines within the size and say which lines they hold', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(i + 1, 'x'.repeat(100)));
    const chunks = chunkLines(lines, 350);
    expect(chunks.map((c) => [c.line_from, c.line_to])).toEqual([
      [1, 3],
      [4, 6],
      [7, 9],
      [10, 10],
    ]);
    expect(chunks[0].text.split('\n')[0]).toMatch(/^\[1\] Speaker 0: x+$/);
  });
});
