import type { ParsedActivity } from '../../src/modules/research/parsing/activity.types';
import { JANE, parseFixture } from './activity-fixtures';

describe('posts tab, original posts (posts-original.html)', () => {
  const acts = parseFixture('posts-original.html', 'posts');

  it('item 1: post', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'posts',
      type: 'post',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7265000000000000001/',
      author: JANE,
      text_md:
        'Thrilled to share that our team just closed our best quarter ever 🚀🎉\n\nHuge thanks to [Max Mustermann](https://www.linkedin.com/in/max-mustermann) and everyone at [Acme Corp](https://www.linkedin.com/company/acme-corp) who made it happen.\n\nThree things that worked:\n1. Fewer, better-qualified leads\n2. Weekly pipeline reviews\n3. Saying no to bad-fit deals\n\n#Sales #RevOps',
      date_token: '3d',
      published_at: '2026-11-29T10:00:00.000Z',
      counts: {
        reactions: 1234,
        comments: 56,
        reposts: 12,
      },
      links: [],
      hashtags: ['#Sales', '#RevOps'],
      mentions: {
        people: [
          {
            name: 'Max Mustermann',
            url: 'https://www.linkedin.com/in/max-mustermann',
          },
        ],
        companies: [
          {
            name: 'Acme Corp',
            url: 'https://www.linkedin.com/company/acme-corp',
          },
        ],
      },
      content_md:
        '[Jane Doe • You](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n\n3d • Edited •\n\nThrilled to share that our team just closed our best quarter ever 🚀🎉\n\nHuge thanks to [Max Mustermann](https://www.linkedin.com/in/max-mustermann) and everyone at [Acme Corp](https://www.linkedin.com/company/acme-corp) who made it happen.\n\nThree things that worked:\n1. Fewer, better-qualified leads\n2. Weekly pipeline reviews\n3. Saying no to bad-fit deals\n\n#Sales #RevOps\n\n- 1,234 reactions\n- 56 comments\n- 12 reposts',
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: post', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'posts',
      type: 'post',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7260000000000000002/',
      author: JANE,
      text_md:
        'We wrote up how we cut our sales cycle by 30%. Worth a read if you run a B2B team: [blog.example.com/sales-cycle](https://blog.example.com/sales-cycle?id=7)',
      date_token: '2w',
      published_at: '2026-11-18T10:00:00.000Z',
      counts: {
        reactions: 1200,
        comments: 1,
        reposts: 0,
      },
      links: ['https://blog.example.com/sales-cycle?id=7'],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n\n2w •\n\nWe wrote up how we cut our sales cycle by 30%. Worth a read if you run a B2B team: [blog.example.com/sales-cycle](https://blog.example.com/sales-cycle?id=7)\n\n<https://blog.example.com/sales-cycle?id=7>\n\n[How we cut our sales cycle by 30%](https://blog.example.com/sales-cycle?id=7)\n\nblog.example.com\n\n- 1.2K reactions\n- 1 comment',
    };
    expect(acts[1]).toEqual(expected);
  });

  it('item 3: post', () => {
    const expected: ParsedActivity = {
      index: 2,
      source_tab: 'posts',
      type: 'post',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7264000000000000003/',
      author: JANE,
      text_md:
        'Großartige Woche auf der DMEXCO in Köln! 🇩🇪 Danke an alle für die spannenden Gespräche über Vertrieb & KI.\n\n#KünstlicheIntelligenz',
      date_token: '5h',
      published_at: '2026-12-02T05:00:00.000Z',
      counts: {
        reactions: 87,
        comments: 0,
        reposts: 0,
      },
      links: [],
      hashtags: ['#KünstlicheIntelligenz'],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n\n5h •\n\nGroßartige Woche auf der DMEXCO in Köln! 🇩🇪 Danke an alle für die spannenden Gespräche über Vertrieb & KI.\n\n#KünstlicheIntelligenz\n\n- 87 reactions',
    };
    expect(acts[2]).toEqual(expected);
  });

  it('has 3 items', () => expect(acts).toHaveLength(3));
});

describe('posts tab, reposts (posts-reposts.html)', () => {
  const acts = parseFixture('posts-reposts.html', 'posts');

  it('item 1: repost', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'posts',
      type: 'repost',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7266000000000000011/',
      author: JANE,
      original_author: {
        name: 'Acme Corp',
        profile_url: 'https://www.linkedin.com/company/acme-corp',
        headline: '48,213 followers',
        type: 'company',
      },
      text_md: '',
      parent_text_md:
        "We're hiring! 📣 Acme is looking for Account Executives in Berlin and London. Apply here: <https://lnkd.in/e8Xyz12>\n\n#hiring #SaaS",
      date_token: '1mo',
      published_at: '2026-11-02T10:00:00.000Z',
      counts: {
        reactions: 12000,
        comments: 345,
        reposts: 1021,
      },
      links: ['https://lnkd.in/e8Xyz12'],
      hashtags: ['#hiring', '#SaaS'],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        "[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) reposted this\n\n[Acme Corp](https://www.linkedin.com/company/acme-corp)\n\n48,213 followers\n\n1mo •\n\nWe're hiring! 📣 Acme is looking for Account Executives in Berlin and London. Apply here: <https://lnkd.in/e8Xyz12>\n\n#hiring #SaaS\n\n- 12K reactions\n- 345 comments\n- 1,021 reposts",
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: repost', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'posts',
      type: 'repost',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7263000000000000012/',
      author: JANE,
      original_author: {
        name: 'John Smith',
        profile_url: 'https://www.linkedin.com/in/john-smith-sales',
        headline: 'Sales Coach | Author of "Pipeline First"',
        type: 'person',
      },
      text_md: 'This is exactly right. Pipeline hygiene beats pipeline volume every time. 👇',
      parent_text_md:
        'Stop adding deals to your pipeline just to make it look full.\nA smaller, honest pipeline closes more.\n\nAgree? #pipeline',
      date_token: '1w',
      published_at: '2026-11-25T10:00:00.000Z',
      counts: {
        reactions: 42,
        comments: 7,
        reposts: 0,
      },
      links: [],
      hashtags: ['#pipeline'],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n\n1w •\n\nThis is exactly right. Pipeline hygiene beats pipeline volume every time. 👇\n\n[John Smith • 2nd](https://www.linkedin.com/in/john-smith-sales)\n\nSales Coach | Author of "Pipeline First"\n\n2w •\n\nStop adding deals to your pipeline just to make it look full.\nA smaller, honest pipeline closes more.\n\nAgree? #pipeline\n\n- 42 reactions\n- 7 comments',
    };
    expect(acts[1]).toEqual(expected);
  });

  it('has 2 items', () => expect(acts).toHaveLength(2));
});

describe('posts tab, 2025 markup: obfuscated classes, whole item inside the control-menu container (posts-2025-layout.html)', () => {
  const acts = parseFixture('posts-2025-layout.html', 'posts');

  it('item 1: post', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'posts',
      type: 'post',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/all',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7366700000000000061/',
      author: JANE,
      text_md:
        'Our SDR team tried something new this quarter 🧪\n\nWe stopped sending sequences to anyone who had not visited the pricing page.\n\n[Aromal Sivadasan](https://www.linkedin.com/in/ACoAAB1234567890abcdefGHIJKL) ran the numbers: reply rate went from 2% to 9%.\n\nFull write-up from [Acme Corp](https://www.linkedin.com/company/acme-corp): <https://lnkd.in/gQ7xYzA>\n\n#SalesDevelopment #outbound',
      date_token: '1d',
      published_at: '2026-12-01T10:00:00.000Z',
      counts: {
        reactions: 2048,
        comments: 131,
        reposts: 17,
      },
      links: ['https://lnkd.in/gQ7xYzA'],
      hashtags: ['#SalesDevelopment', '#outbound'],
      mentions: {
        people: [
          {
            name: 'Aromal Sivadasan',
            url: 'https://www.linkedin.com/in/ACoAAB1234567890abcdefGHIJKL',
          },
        ],
        companies: [
          {
            name: 'Acme Corp',
            url: 'https://www.linkedin.com/company/acme-corp',
          },
        ],
      },
      content_md:
        '[Jane Doe • You](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n[Visit my website](http://www.janedoe.example/)\n1d •\n\nOur SDR team tried something new this quarter 🧪\n\nWe stopped sending sequences to anyone who had not visited the pricing page.\n\n[Aromal Sivadasan](https://www.linkedin.com/in/ACoAAB1234567890abcdefGHIJKL) ran the numbers: reply rate went from 2% to 9%.\n\nFull write-up from [Acme Corp](https://www.linkedin.com/company/acme-corp): <https://lnkd.in/gQ7xYzA>\n\n#SalesDevelopment #outbound\n\n- 2,048 reactions\n- 131 comments\n- 17 reposts',
    };
    expect(acts).toHaveLength(1);
    expect(acts[0]).toEqual(expected);
  });

  it('the author website button is not a post link, and the viewer in the identity toggle is nowhere', () => {
    expect(acts[0].links).not.toContain('http://www.janedoe.example/');
    expect(JSON.stringify(acts)).not.toMatch(/victor|see more|…more|Visible to anyone/i);
  });
});
