import type { ParsedActivity } from '../../src/modules/research/parsing/activity.types';
import { JANE, parseFixture } from './activity-fixtures';

describe('posts tab with viewer blocks, tracking attributes and screen-reader duplicates (posts-viewer-noise.html)', () => {
  const acts = parseFixture('posts-viewer-noise.html', 'posts');

  it('item 1: post', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'posts',
      type: 'post',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7266200000000000041/',
      author: JANE,
      text_md:
        'Two years at Acme today. Grateful for the ride 🙏\n\nBest lesson: listen more than you pitch.',
      date_token: '6d',
      published_at: '2026-11-26T10:00:00.000Z',
      counts: {
        reactions: 1,
        comments: 0,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe • You](https://www.linkedin.com/in/ACoAAAbcdefGhIJkLmNoPqRsTuVwXyZ123456)\n\nVP Sales at Acme Corp | Revenue Operations\n\n6d •\n\nTwo years at Acme today. Grateful for the ride 🙏\n\nBest lesson: listen more than you pitch.\n\n- 1 reaction',
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: repost', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'posts',
      type: 'repost',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7265900000000000042/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Hooli',
        profile_url: 'https://www.linkedin.com/company/hooli',
        headline: '250,112 followers',
        type: 'company',
      },
      text_md: '',
      parent_text_md:
        'Join our sales team. 20 open roles across EMEA: [www.hooli.example/careers](https://www.hooli.example/careers?team=sales)',
      date_token: '3w',
      published_at: '2026-11-11T10:00:00.000Z',
      counts: {
        reactions: 980,
        comments: 24,
        reposts: 31,
      },
      links: ['https://www.hooli.example/careers?team=sales'],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) reposted this\n\n[Hooli](https://www.linkedin.com/company/hooli)\n\n250,112 followers\n\n3w •\n\nJoin our sales team. 20 open roles across EMEA: [www.hooli.example/careers](https://www.hooli.example/careers?team=sales)\n\n- 980 reactions\n- 24 comments\n- 31 reposts',
    };
    expect(acts[1]).toEqual(expected);
  });

  it('has 2 items', () => expect(acts).toHaveLength(2));
});

describe('the viewer and markup noise never reach the output', () => {
  const acts = parseFixture('posts-viewer-noise.html', 'posts');
  const all = JSON.stringify(acts);

  it('the viewer (div.member) is never an author, mention or text', () => {
    expect(all).not.toMatch(/victor/i);
    expect(all).not.toContain('Recruiter at Hooli');
    expect(all).not.toContain('follows Hooli');
  });

  it('no screen-reader copies, "see more" toggles, comments, tracking or headings', () => {
    expect(all).not.toMatch(/see more|…more|visually reveals|Visible to anyone/i);
    expect(all).not.toContain('<!--');
    expect(all).not.toMatch(/trk=|utm_|gclid|lipi=|data-view/);
    expect(all).not.toMatch(/Feed post number/i);
    expect(all).not.toContain('Jane DoeJane Doe');
    expect(all).not.toContain('Show more results');
  });

  it('the person behind a member-id link is recognised by name and given the canonical URL', () => {
    expect(acts[0].author?.profile_url).toBe('https://www.linkedin.com/in/jane-doe-12345');
    expect(acts[0].type).toBe('post');
  });
});
