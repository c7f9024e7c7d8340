import { parseCount } from '../../src/modules/research/parsing/counts';
import { toMarkdown } from '../../src/modules/research/parsing/html-to-markdown';
import {
  externalUrl,
  hashtagOf,
  postUrlFromUrn,
  profileUrl,
} from '../../src/modules/research/parsing/linkedin-urls';
import {
  findRelativeDate,
  parseRelativeDate,
  subtractRelative,
} from '../../src/modules/research/parsing/relative-date';
import { load } from 'cheerio';

const AT = new Date('2026-12-02T10:00:00Z');
const ago = (token: string) => {
  const rel = parseRelativeDate(token);
  return rel ? subtractRelative(AT, rel).toISOString() : null;
};

describe('relative date tokens (computed in code, SEED A6/A8)', () => {
  it.each([
    ['4h', '2026-12-02T06:00:00.000Z'],
    ['5d', '2026-11-27T10:00:00.000Z'],
    ['3w', '2026-11-11T10:00:00.000Z'],
    ['1mo', '2026-11-02T10:00:00.000Z'],
    ['11mo', '2026-01-02T10:00:00.000Z'],
    ['2yr', '2024-12-02T10:00:00.000Z'],
    ['2y', '2024-12-02T10:00:00.000Z'],
    ['1m', '2026-12-02T09:59:00.000Z'],
    ['30s', '2026-12-02T09:59:30.000Z'],
    ['now', '2026-12-02T10:00:00.000Z'],
    ['Just now', '2026-12-02T10:00:00.000Z'],
    ['3 days ago', '2026-11-29T10:00:00.000Z'],
    ['1 week', '2026-11-25T10:00:00.000Z'],
    ['2 months ago', '2026-10-02T10:00:00.000Z'],
    ['2 Wochen', '2026-11-18T10:00:00.000Z'],
    ['vor 2 Wochen', '2026-11-18T10:00:00.000Z'],
    ['2 Wo.', '2026-11-18T10:00:00.000Z'],
    ['3 Std.', '2026-12-02T07:00:00.000Z'],
    ['1 Jahr', '2025-12-02T10:00:00.000Z'],
    ['1 J.', '2025-12-02T10:00:00.000Z'],
    ['3 j', '2026-11-29T10:00:00.000Z'],
    ['il y a 3 sem.', '2026-11-11T10:00:00.000Z'],
    ['2 mois', '2026-10-02T10:00:00.000Z'],
    ['hace 5 días', '2026-11-27T10:00:00.000Z'],
    ['4 semanas', '2026-11-04T10:00:00.000Z'],
  ])('%s → %s', (token, iso) => expect(ago(token)).toBe(iso));

  it.each([
    'Edited',
    'Visible to anyone',
    'Promoted',
    '',
    '3',
    'd3',
    'five days',
    '12 comments',
    '5 min read',
    'March 5, 2025',
  ])('%j is not a date', (token) => expect(parseRelativeDate(token)).toBeNull());

  it('a month back from the 31st lands on the last day of the shorter month', () => {
    const rel = parseRelativeDate('1mo')!;
    expect(subtractRelative(new Date('2026-03-31T08:00:00Z'), rel).toISOString()).toBe(
      '2026-02-28T08:00:00.000Z',
    );
  });

  it('finds the token in a sub-description line, skipping "Edited" and icons', () => {
    expect(findRelativeDate('3d • Edited • ')?.token).toBe('3d');
    expect(findRelativeDate('Edited • 1mo •')?.token).toBe('1mo');
    expect(findRelativeDate('Bearbeitet • 2 Wochen •')?.token).toBe('2 Wochen');
    expect(findRelativeDate('Visible to anyone on or off LinkedIn')).toBeNull();
  });
});

describe('counts', () => {
  it.each([
    ['1,234', 1234],
    ['1.234', 1234],
    ['1 234', 1234],
    ['87', 87],
    ['1.2K', 1200],
    ['12K', 12000],
    ['1,2K', 1200],
    ['3.4k reactions', 3400],
    ['1M', 1_000_000],
    ['2,5 Tsd.', 2500],
    ['12 Kommentare', 12],
    ['', null],
    ['comments', null],
  ])('%j → %j', (text, n) => expect(parseCount(text)).toBe(n));
});

describe('LinkedIn URLs', () => {
  it('normalises profile links in any of their forms', () => {
    expect(profileUrl('https://de.linkedin.com/in/Jane-Doe-12345/?miniProfileUrn=x')).toEqual({
      url: 'https://www.linkedin.com/in/jane-doe-12345',
      kind: 'person',
    });
    expect(profileUrl('/company/acme-corp/posts/')).toEqual({
      url: 'https://www.linkedin.com/company/acme-corp',
      kind: 'company',
    });
    expect(profileUrl('https://www.linkedin.com/showcase/acme-labs')?.kind).toBe('company');
    expect(
      profileUrl('https://www.linkedin.com/in/ACoAAAbcdefGhIJkLmNoPqRsTuVwXyZ123456')?.url,
    ).toBe('https://www.linkedin.com/in/ACoAAAbcdefGhIJkLmNoPqRsTuVwXyZ123456');
    expect(profileUrl('https://example.com/in/jane')).toBeNull();
    expect(profileUrl('https://www.linkedin.com/feed/hashtag/?keywords=ai')).toBeNull();
  });

  it('unwraps LinkedIn redirects and strips tracking parameters', () => {
    expect(
      externalUrl(
        'https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fexample.com%2Fa%3Futm_source%3Dli%26id%3D7&urlhash=x&trk=y',
      ),
    ).toBe('https://example.com/a?id=7');
    expect(externalUrl('https://shop.example/p?gclid=1&fbclid=2&color=red#frag')).toBe(
      'https://shop.example/p?color=red',
    );
    expect(externalUrl('https://www.linkedin.com/in/jane')).toBeNull();
    expect(externalUrl('javascript:void(0)')).toBeNull();
    expect(externalUrl('mailto:a@b.c')).toBeNull();
  });

  it('reads hashtags and post URNs', () => {
    expect(
      hashtagOf('https://www.linkedin.com/feed/hashtag/?keywords=revops&highlightedUpdateUrns=x'),
    ).toBe('#revops');
    expect(hashtagOf('/feed/hashtag/k%C3%BCnstlicheintelligenz/')).toBe('#künstlicheintelligenz');
    expect(postUrlFromUrn('urn:li:activity:7265000000000000001')).toBe(
      'https://www.linkedin.com/feed/update/urn:li:activity:7265000000000000001/',
    );
    expect(postUrlFromUrn('urn:li:comment:(urn:li:activity:42,43)')).toBe(
      'https://www.linkedin.com/feed/update/urn:li:activity:42/',
    );
    expect(postUrlFromUrn('urn:li:member:1')).toBeUndefined();
  });
});

describe('HTML to Markdown', () => {
  it('keeps line breaks, links mentions, plain hashtags, lists and emphasis', () => {
    const $ = load(
      '<div><p>Hi <strong>all</strong> 👋<br>see <a href="https://www.linkedin.com/in/max/">Max</a> and <a href="https://www.linkedin.com/feed/hashtag/?keywords=ai">hashtag#AI</a></p><ul><li>one</li><li>two</li></ul><img alt="🚀"><img alt="Company logo"></div>',
    );
    expect(toMarkdown($('div')[0])).toBe(
      'Hi **all** 👋\nsee [Max](https://www.linkedin.com/in/max) and #AI\n\n- one\n- two\n🚀',
    );
  });
});

describe('hashtag links in newer markup', () => {
  it('reads the search-results form of a hashtag link', () => {
    expect(
      hashtagOf(
        'https://www.linkedin.com/search/results/all/?keywords=%23hiring&origin=HASH_TAG_FROM_FEED',
      ),
    ).toBe('#hiring');
    expect(hashtagOf('/search/results/all/?keywords=saas&origin=HASH_TAG_FROM_FEED')).toBe('#saas');
    expect(
      hashtagOf('/search/results/all/?keywords=jane%20doe&origin=GLOBAL_SEARCH_HEADER'),
    ).toBeNull();
  });
});
