import type { ParsedActivity } from '../../src/modules/research/parsing/activity.types';
import { parseFixture } from './activity-fixtures';

describe('reactions tab (reactions-tab.html)', () => {
  const acts = parseFixture('reactions-tab.html', 'reactions');

  it('item 1: reaction', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'like',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7266100000000000031/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Tom Becker',
        profile_url: 'https://www.linkedin.com/in/tom-becker-ops',
        headline: 'Sales Ops Lead at Initech',
        type: 'person',
      },
      text_md: '',
      parent_text_md:
        'Just shipped our new territory planning dashboard. Took 3 months, 2 rewrites and a lot of coffee ☕',
      date_token: '4h',
      published_at: '2026-12-02T06:00:00.000Z',
      counts: {
        reactions: 46,
        comments: 3,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) likes this\n\n[Tom Becker](https://www.linkedin.com/in/tom-becker-ops)\n\nSales Ops Lead at Initech\n\n4h •\n\nJust shipped our new territory planning dashboard. Took 3 months, 2 rewrites and a lot of coffee ☕\n\n- Jane Doe and 45 others\n- 3 comments',
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: reaction', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'celebrate',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7265200000000000032/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Initech',
        profile_url: 'https://www.linkedin.com/company/initech',
        headline: '1,204 followers',
        type: 'company',
      },
      text_md: '',
      parent_text_md:
        'We closed our Series B! 🎉 Thank you to our investors at [Sequoia](https://www.linkedin.com/company/sequoia) and to our team. Read more: [news.initech.example/series-b](https://news.initech.example/series-b) #funding',
      date_token: '1w',
      published_at: '2026-11-25T10:00:00.000Z',
      counts: {
        reactions: 3400,
        comments: 210,
        reposts: 88,
      },
      links: ['https://news.initech.example/series-b'],
      hashtags: ['#funding'],
      mentions: {
        people: [],
        companies: [
          {
            name: 'Sequoia',
            url: 'https://www.linkedin.com/company/sequoia',
          },
        ],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) celebrates this\n\n[Initech](https://www.linkedin.com/company/initech)\n\n1,204 followers\n\n1w • Edited •\n\nWe closed our Series B! 🎉 Thank you to our investors at [Sequoia](https://www.linkedin.com/company/sequoia) and to our team. Read more: [news.initech.example/series-b](https://news.initech.example/series-b) #funding\n\n- 3.4K reactions\n- 210 comments\n- 88 reposts',
    };
    expect(acts[1]).toEqual(expected);
  });

  it('item 3: reaction', () => {
    const expected: ParsedActivity = {
      index: 2,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'insightful',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7250900000000000033/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Mei Lin',
        profile_url: 'https://www.linkedin.com/in/mei-lin-data',
        headline: 'Data Scientist',
        type: 'person',
      },
      text_md: '',
      parent_text_md: 'Forecast accuracy is a data problem before it is a sales problem.',
      date_token: '2mo',
      published_at: '2026-10-02T10:00:00.000Z',
      counts: {
        reactions: null,
        comments: null,
        reposts: null,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) finds this insightful\n\n[Mei Lin](https://www.linkedin.com/in/mei-lin-data)\n\nData Scientist\n\n2mo •\n\nForecast accuracy is a data problem before it is a sales problem.',
    };
    expect(acts[2]).toEqual(expected);
  });

  it('item 4: reaction', () => {
    const expected: ParsedActivity = {
      index: 3,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'support',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7240000000000000034/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Sam Okafor',
        profile_url: 'https://www.linkedin.com/in/sam-okafor',
        headline: 'Founder, Okafor Advisory',
        type: 'person',
      },
      text_md: '',
      parent_text_md: "After 12 years in enterprise sales, I'm starting my own advisory practice.",
      date_token: '2yr',
      published_at: '2024-12-02T10:00:00.000Z',
      counts: {
        reactions: 912,
        comments: 140,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        "[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) supports this\n\n[Sam Okafor](https://www.linkedin.com/in/sam-okafor)\n\nFounder, Okafor Advisory\n\n2yr •\n\nAfter 12 years in enterprise sales, I'm starting my own advisory practice.\n\n- 912\n- 140 comments",
    };
    expect(acts[3]).toEqual(expected);
  });

  it('item 5: reaction', () => {
    const expected: ParsedActivity = {
      index: 4,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'love',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7266150000000000035/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'John Smith',
        profile_url: 'https://www.linkedin.com/in/john-smith-sales',
        headline: 'Sales Coach | Author of "Pipeline First"',
        type: 'person',
      },
      text_md: '',
      parent_text_md: 'My book is out today 📚',
      date_token: 'now',
      published_at: '2026-12-02T10:00:00.000Z',
      counts: {
        reactions: null,
        comments: null,
        reposts: null,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) loves this\n\n[John Smith](https://www.linkedin.com/in/john-smith-sales)\n\nSales Coach | Author of "Pipeline First"\n\nnow •\n\nMy book is out today 📚',
    };
    expect(acts[4]).toEqual(expected);
  });

  it('has 5 items', () => expect(acts).toHaveLength(5));
});

describe('reactions tab in German, no item headings, a class-less item (reactions-de-no-headings.html)', () => {
  const acts = parseFixture('reactions-de-no-headings.html', 'reactions');

  it('item 1: reaction', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'reactions',
      type: 'reaction',
      reaction_kind: 'like',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7264800000000000051/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Lukas Wagner',
        profile_url: 'https://www.linkedin.com/in/lukas-wagner-b2b',
        headline: 'Geschäftsführer bei Wagner Consulting GmbH',
        type: 'person',
      },
      text_md: '',
      parent_text_md:
        'Vertrieb ist Beziehungsarbeit. Wer nur Zahlen sieht, verliert die Menschen dahinter. #Vertrieb',
      date_token: '2 Wo.',
      published_at: '2026-11-18T10:00:00.000Z',
      counts: {
        reactions: 1234,
        comments: 12,
        reposts: 3,
      },
      links: [],
      hashtags: ['#Vertrieb'],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) gefällt das\n\n[Lukas Wagner](https://www.linkedin.com/in/lukas-wagner-b2b)\n\nGeschäftsführer bei Wagner Consulting GmbH\n\n2 Wo. •\n\nVertrieb ist Beziehungsarbeit. Wer nur Zahlen sieht, verliert die Menschen dahinter. #Vertrieb\n\n- 1.234 Reaktionen\n- 12 Kommentare\n- 3 Reposts',
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: repost', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'reactions',
      type: 'repost',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/reactions',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7266250000000000052/',
      author: {
        name: 'Jane Doe',
        profile_url: 'https://www.linkedin.com/in/jane-doe-12345',
        headline: null,
        type: 'person',
      },
      original_author: {
        name: 'Eva Schmidt',
        profile_url: 'https://www.linkedin.com/in/eva-schmidt-hr',
        headline: 'People & Culture Lead',
        type: 'person',
      },
      text_md: '',
      parent_text_md:
        'Wir suchen Verstärkung im Vertrieb! Meldet euch gern bei [Jane Doe](https://www.linkedin.com/in/jane-doe-12345) 🙌',
      date_token: '3 Std.',
      published_at: '2026-12-02T07:00:00.000Z',
      counts: {
        reactions: 45,
        comments: 2,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [
          {
            name: 'Jane Doe',
            url: 'https://www.linkedin.com/in/jane-doe-12345',
          },
        ],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) hat das repostet\n\n[Eva Schmidt](https://www.linkedin.com/in/eva-schmidt-hr)\nPeople & Culture Lead\n\n3 Std. •\n\nWir suchen Verstärkung im Vertrieb! Meldet euch gern bei [Jane Doe](https://www.linkedin.com/in/jane-doe-12345) 🙌\n\n45 Reaktionen 2 Kommentare',
    };
    expect(acts[1]).toEqual(expected);
  });

  it('has 2 items', () => expect(acts).toHaveLength(2));
});
