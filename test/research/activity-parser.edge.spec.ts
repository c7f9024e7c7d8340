import { parseActivities } from '../../src/modules/research/parsing/activity-parser';
import { CAPTURED_AT, PERSON_URL, fixture } from './activity-fixtures';

const opts = { personLinkedinUrl: PERSON_URL, capturedAt: CAPTURED_AT };

const item = (n: number, inner: string) =>
  `<li><div class="feed-shared-update-v2" data-urn="urn:li:activity:70000000000000000${n}"><h2 class="visually-hidden">Feed post number ${n}</h2>${inner}</div></li>`;

const actor = (name: string, href: string, sub: string) =>
  `<div class="update-components-actor"><a class="update-components-actor__meta-link" href="${href}"><span class="update-components-actor__title"><span aria-hidden="true">${name}</span></span><span class="update-components-actor__description">Founder</span><span class="update-components-actor__sub-description"><span aria-hidden="true">${sub}</span></span></a></div>`;

const text = (t: string) => `<div class="update-components-text"><span dir="ltr">${t}</span></div>`;

describe('captures without activities', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['the string "null"', 'null'],
    ['" NULL "', ' NULL '],
    ['an empty string', ''],
    ['whitespace', '  \n '],
    ['plain text', 'this is not html at all'],
    ['broken markup', '<<<div>>><ul><li'],
    ['JSON', '{"posts": []}'],
    ['a list with no items', '<ul class="display-flex"></ul>'],
  ])('%s gives []', (_, html) => {
    expect(
      parseActivities({ posts_html: html, comments_html: html, reactions_html: html }, opts),
    ).toEqual([]);
  });

  it('no captures object, or non-string values, give []', () => {
    expect(parseActivities(null, opts)).toEqual([]);
    expect(parseActivities({ posts_html: 42 as unknown as string }, opts)).toEqual([]);
  });

  it('pathologically nested markup does not throw', () => {
    const deep = '<div>'.repeat(20_000) + 'x' + '</div>'.repeat(20_000);
    expect(() => parseActivities({ posts_html: deep }, opts)).not.toThrow();
  });
});

describe('parsing rules', () => {
  it('all three tabs in one call: posts, then comments, then reactions, indexed per tab', () => {
    const acts = parseActivities(
      {
        posts_html: fixture('posts-original.html'),
        comments_html: fixture('comments-tab.html'),
        reactions_html: 'null',
      },
      opts,
    );
    expect(acts.map((a) => [a.source_tab, a.index, a.type])).toEqual([
      ['posts', 0, 'post'],
      ['posts', 1, 'post'],
      ['posts', 2, 'post'],
      ['comments', 0, 'comment'],
      ['comments', 1, 'comment'],
    ]);
  });

  it('an unknown date token leaves date_token and published_at unset', () => {
    const html = `<ul>${item(1, actor('Jane Doe', PERSON_URL, 'Promoted • ') + text('Hello'))}</ul>`;
    const [a] = parseActivities({ posts_html: html }, opts);
    expect(a.type).toBe('post');
    expect(a.text_md).toBe('Hello');
    expect(a).not.toHaveProperty('date_token');
    expect(a).not.toHaveProperty('published_at');
    // no counts bar and no count anywhere: unknown, not zero
    expect(a.counts).toEqual({ reactions: null, comments: null, reposts: null });
  });

  it('long and non-English tokens are read in code', () => {
    const html = `<ul>${item(1, actor('Jane Doe', PERSON_URL, '3 days ago • ') + text('A'))}${item(2, actor('Jane Doe', PERSON_URL, 'il y a 3 sem. • ') + text('B'))}${item(3, actor('Jane Doe', PERSON_URL, 'Edited • 1m • ') + text('C'))}</ul>`;
    const acts = parseActivities({ posts_html: html }, opts);
    expect(acts.map((a) => [a.date_token, a.published_at])).toEqual([
      ['3 days ago', '2026-11-29T10:00:00.000Z'],
      ['il y a 3 sem.', '2026-11-11T10:00:00.000Z'],
      ['1m', '2026-12-02T09:59:00.000Z'],
    ]);
  });

  it('a post by someone else on the posts tab without a header is a repost', () => {
    const html = `<ul>${item(1, actor('Max Mustermann', 'https://www.linkedin.com/in/max-mustermann/', '2d • ') + text('Original words'))}</ul>`;
    const [a] = parseActivities(
      {
        posts_html: `${html}<ul>${item(2, actor('Jane Doe', PERSON_URL, '1d • ') + text('Mine'))}</ul>`,
      },
      opts,
    );
    expect(a.type).toBe('repost');
    expect(a.author?.name).toBe('Jane Doe');
    expect(a.original_author).toEqual({
      name: 'Max Mustermann',
      profile_url: 'https://www.linkedin.com/in/max-mustermann',
      headline: 'Founder',
      type: 'person',
    });
    expect(a.text_md).toBe('');
    expect(a.parent_text_md).toBe('Original words');
  });

  it('a namesake with another profile URL is not the person', () => {
    const html = `<ul>${item(1, actor('Jane Doe', 'https://www.linkedin.com/in/another-jane-doe/', '2d • ') + text('Not her'))}${item(2, actor('Jane Doe', PERSON_URL, '1d • ') + text('Hers'))}</ul>`;
    const acts = parseActivities({ posts_html: html }, opts);
    expect(acts.map((a) => a.type)).toEqual(['repost', 'post']);
    expect(acts[0].original_author?.profile_url).toBe(
      'https://www.linkedin.com/in/another-jane-doe',
    );
  });

  it('an item whose only profile is the viewer (div.member) has no author rather than the viewer', () => {
    const viewer = `<div class="member"><a href="https://www.linkedin.com/in/victor-viewer/">Victor Viewer</a><span>Recruiter</span></div>`;
    const html = `<ul>${item(1, viewer + text('Nobody signed this'))}</ul>`;
    const [a] = parseActivities(
      { posts_html: html },
      { ...opts, personLinkedinUrl: 'https://www.linkedin.com/in/someone-else' },
    );
    expect(a.author).toBeNull();
    expect(JSON.stringify(a)).not.toMatch(/victor/i);
  });
});

describe('wording and layouts not in the fixtures', () => {
  const header = (t: string) =>
    `<div class="update-components-header"><span><a href="${PERSON_URL}">Jane Doe</a> ${t}</span></div>`;

  it('headings in another UI language that count up still split the items', () => {
    const de = (n: number, body: string) =>
      `<li><div><h2 class="visually-hidden">Feed-Beitrag Nummer ${n}</h2>${body}</div></li>`;
    const html = `<ul>${de(1, actor('Jane Doe', PERSON_URL, '1 T. • ') + text('Eins'))}${de(2, actor('Jane Doe', PERSON_URL, '2 Tage • ') + text('Zwei'))}</ul>`;
    const acts = parseActivities({ posts_html: html }, opts);
    expect(acts.map((a) => [a.text_md, a.date_token, a.published_at])).toEqual([
      ['Eins', '1 T.', '2026-12-01T10:00:00.000Z'],
      ['Zwei', '2 Tage', '2026-11-30T10:00:00.000Z'],
    ]);
    expect(JSON.stringify(acts)).not.toContain('Feed-Beitrag');
  });

  it('a reaction to a comment, and a German "und 45 weitere" count', () => {
    const counts = `<ul class="social-details-social-counts"><li><span>Max und 45 weitere</span></li></ul>`;
    const html = `<ul>${item(1, header('likes Max Mustermann’s comment') + actor('Max Mustermann', 'https://www.linkedin.com/in/max-mustermann', '5d • ') + text('Post') + counts)}</ul>`;
    const [a] = parseActivities({ reactions_html: html }, opts);
    expect([a.type, a.reaction_kind, a.counts]).toEqual([
      'reaction',
      'like',
      { reactions: 46, comments: 0, reposts: 0 },
    ]);
  });

  it('"#1" is not a hashtag; literal "…see more" text and name badges are dropped', () => {
    const body =
      actor('Jane Doe (She/Her)', PERSON_URL, '1w • ') +
      text('We are #1 in #SaaS again … see more');
    const [a] = parseActivities({ posts_html: `<ul>${item(1, body)}</ul>` }, opts);
    expect(a.hashtags).toEqual(['#SaaS']);
    expect(a.text_md).toBe('We are #1 in #SaaS again…');
    expect(a.author?.name).toBe('Jane Doe');
  });

  it('an occluded (empty) item is skipped and the next one is index 0', () => {
    const html = `<ul>${item(1, '<div class="occludable-update"></div>')}${item(2, actor('Jane Doe', PERSON_URL, '3h • ') + text('Hi'))}</ul>`;
    const acts = parseActivities({ posts_html: html }, opts);
    expect(acts.map((a) => [a.index, a.text_md])).toEqual([[0, 'Hi']]);
  });

  it('a person URL typed without a scheme, and an invalid capture time, are tolerated', () => {
    const html = `<ul>${item(1, actor('Jane Doe', PERSON_URL, '3h • ') + text('Hi'))}</ul>`;
    const [a] = parseActivities(
      { posts_html: html },
      { personLinkedinUrl: 'linkedin.com/in/Jane-Doe-12345', capturedAt: new Date('not a date') },
    );
    expect(a.activity_url).toBe('https://www.linkedin.com/in/jane-doe-12345/recent-activity/all');
    expect(a.author?.profile_url).toBe('https://www.linkedin.com/in/jane-doe-12345');
    expect(a.date_token).toBe('3h');
    expect(a).not.toHaveProperty('published_at');
  });
});

describe('markup without semantic classes', () => {
  it('a repost with thoughts: two actors found by the time beside their links, texts split between them', () => {
    const html =
      '<ul><li><div data-urn="urn:li:activity:7391000000000000001"><h2 class="visually-hidden">Feed post number 1</h2>' +
      `<div class="a1"><a href="${PERSON_URL}"><span>Jane Doe</span><span>VP Sales</span></a><span>2d • </span></div>` +
      '<div class="t1"><span>Could not agree more, a must read for every founder.</span></div>' +
      '<div class="n1"><div class="a2"><a href="/in/max-mustermann/"><span>Max Mustermann</span><span>Founder at Maxco</span></a><span>1w • </span></div>' +
      `<div class="t2"><span>Hiring is the most important job of a founder. Full stop. Thanks <a href="${PERSON_URL}">Jane Doe</a></span></div></div>` +
      '<div><button aria-label="10 reactions"><span>10</span></button></div>' +
      '</div></li></ul>';
    const [a] = parseActivities({ posts_html: html }, opts);
    expect(a).toMatchObject({
      type: 'repost',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: 'VP Sales',
      },
      original_author: {
        name: 'Max Mustermann',
        profile_url: 'https://www.linkedin.com/in/max-mustermann',
        headline: 'Founder at Maxco',
        type: 'person',
      },
      text_md: 'Could not agree more, a must read for every founder.',
      parent_text_md:
        'Hiring is the most important job of a founder. Full stop. Thanks [Jane Doe](https://www.linkedin.com/in/jane-doe-12345)',
      date_token: '2d',
      counts: { reactions: 10, comments: 0, reposts: 0 },
      mentions: {
        people: [{ name: 'Jane Doe', url: 'https://www.linkedin.com/in/jane-doe-12345' }],
        companies: [],
      },
    });
  });
});

describe('a short class-less item', () => {
  it('the header wrapper does not swallow the original author', () => {
    const html =
      '<ul><li><div><h2 class="visually-hidden">Feed post number 1</h2><div>' +
      `<span><a href="${PERSON_URL}">Jane Doe</a> reposted this</span>` +
      '<div><a href="https://www.linkedin.com/company/initech/"><span>Initech</span></a><span>1,204 followers</span><span>4d •</span></div>' +
      '</div><div><span>We are hiring in Lisbon.</span></div></div></li></ul>';
    const [a] = parseActivities({ posts_html: html }, opts);
    expect(a).toMatchObject({
      type: 'repost',
      author: { name: 'Jane Doe', profile_url: 'https://www.linkedin.com/in/jane-doe-12345' },
      original_author: {
        name: 'Initech',
        profile_url: 'https://www.linkedin.com/company/initech',
        headline: '1,204 followers',
        type: 'company',
      },
      text_md: '',
      parent_text_md: 'We are hiring in Lisbon.',
      date_token: '4d',
      published_at: '2026-11-28T10:00:00.000Z',
    });
  });
});

describe('a repost whose nested original has no actor class', () => {
  it('finds the original author by the time beside the link', () => {
    const nested =
      '<div class="update-components-mini-update-v2"><div class="mini-actor">' +
      '<a href="https://www.linkedin.com/in/max-mustermann/"><span>Max Mustermann</span></a>' +
      '<span>Founder at Maxco</span><span>3w •</span></div>' +
      text('Original words with <a href="https://www.linkedin.com/company/maxco/">Maxco</a>') +
      '</div>';
    const html = `<ul>${item(1, actor('Jane Doe', PERSON_URL, '2d • ') + text('My thoughts') + nested)}</ul>`;
    const [a] = parseActivities({ posts_html: html }, opts);
    expect(a).toMatchObject({
      type: 'repost',
      author: { name: 'Jane Doe', headline: 'Founder' },
      original_author: {
        name: 'Max Mustermann',
        profile_url: 'https://www.linkedin.com/in/max-mustermann',
        headline: 'Founder at Maxco',
      },
      text_md: 'My thoughts',
      parent_text_md: 'Original words with [Maxco](https://www.linkedin.com/company/maxco)',
      date_token: '2d',
      mentions: {
        people: [],
        companies: [{ name: 'Maxco', url: 'https://www.linkedin.com/company/maxco' }],
      },
    });
  });
});

describe('headings side by side with their posts', () => {
  it('each heading and the blocks up to the next one are an item', () => {
    const html =
      '<div><h2 class="visually-hidden">Feed post number 1</h2>' +
      actor('Jane Doe', PERSON_URL, '1d • ') +
      text('First') +
      '<h2 class="visually-hidden">Feed post number 2</h2>' +
      actor('Jane Doe', PERSON_URL, '2d • ') +
      text('Second') +
      '</div>';
    const acts = parseActivities({ posts_html: html }, opts);
    expect(acts.map((a) => [a.index, a.type, a.text_md, a.date_token])).toEqual([
      [0, 'post', 'First', '1d'],
      [1, 'post', 'Second', '2d'],
    ]);
  });
});
