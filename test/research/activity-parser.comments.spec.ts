import type { ParsedActivity } from '../../src/modules/research/parsing/activity.types';
import { JANE, parseFixture } from './activity-fixtures';

describe('comments tab (comments-tab.html)', () => {
  const acts = parseFixture('comments-tab.html', 'comments');

  it('item 1: comment', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'comments',
      type: 'comment',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/comments',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7265500000000000021/',
      author: JANE,
      original_author: {
        name: 'Priya Patel',
        profile_url: 'https://www.linkedin.com/in/priya-patel-cro',
        headline: 'Chief Revenue Officer at Globex',
        type: 'person',
      },
      text_md:
        "Great question [Priya Patel](https://www.linkedin.com/in/priya-patel-cro)! Ours is stage-2 conversion. We track it in a simple sheet, here's the template: [docs.example.org/template](https://docs.example.org/template)",
      parent_text_md:
        "What is the one metric you look at every Monday morning? For me it's net new pipeline created last week.",
      date_token: '2d',
      published_at: '2026-11-30T10:00:00.000Z',
      counts: {
        reactions: 318,
        comments: 94,
        reposts: 5,
      },
      links: ['https://docs.example.org/template'],
      hashtags: [],
      mentions: {
        people: [
          {
            name: 'Priya Patel',
            url: 'https://www.linkedin.com/in/priya-patel-cro',
          },
        ],
        companies: [],
      },
      content_md:
        "[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) commented on this\n\n[Priya Patel • 3rd+](https://www.linkedin.com/in/priya-patel-cro)\n\nChief Revenue Officer at Globex\n\n4d •\n\nWhat is the one metric you look at every Monday morning? For me it's net new pipeline created last week.\n\n- 318\n- 94 comments\n- 5 reposts\n\n[Alice Nguyen](https://www.linkedin.com/in/alice-nguyen)\nHead of Sales Development\n\n3d\n\nWin rate by segment, every single week.\n\n[Jane Doe](https://www.linkedin.com/in/jane-doe-12345)\nVP Sales at Acme Corp | Revenue Operations\n\n2d\n\nGreat question [Priya Patel](https://www.linkedin.com/in/priya-patel-cro)! Ours is stage-2 conversion. We track it in a simple sheet, here's the template: [docs.example.org/template](https://docs.example.org/template)",
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: comment', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'comments',
      type: 'comment',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/comments',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7250000000000000022/',
      author: JANE,
      original_author: {
        name: 'Globex',
        profile_url: 'https://www.linkedin.com/company/globex',
        headline: '9,876 followers',
        type: 'company',
      },
      text_md:
        "Félicitations à toute l'équipe ! Hâte de vous rendre visite. [Globex](https://www.linkedin.com/company/globex)",
      parent_text_md: "Nous sommes ravis d'annoncer l'ouverture de notre bureau à Paris ! 🥐",
      date_token: '11mo',
      published_at: '2026-01-02T10:00:00.000Z',
      counts: {
        reactions: 2345,
        comments: 61,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [],
        companies: [
          {
            name: 'Globex',
            url: 'https://www.linkedin.com/company/globex',
          },
        ],
      },
      content_md:
        "[Globex](https://www.linkedin.com/company/globex)\n\n9,876 followers\n\n1yr •\n\nNous sommes ravis d'annoncer l'ouverture de notre bureau à Paris ! 🥐\n\n- 2,345 reactions\n- 61 comments\n\n[Jane Doe](https://www.linkedin.com/in/jane-doe-12345)\n\nVP Sales at Acme Corp | Revenue Operations\n11mo\n\nFélicitations à toute l'équipe ! Hâte de vous rendre visite. [Globex](https://www.linkedin.com/company/globex)\n\n[Globex](https://www.linkedin.com/company/globex)\n\nAuthor\n11mo\n\nMerci Jane ! À bientôt.",
    };
    expect(acts[1]).toEqual(expected);
  });

  it('has 2 items', () => expect(acts).toHaveLength(2));
});

describe('comments tab, 2026 markup without semantic classes: comment URNs in ids, names and headlines inside the author link (comments-2026-obfuscated.html)', () => {
  const acts = parseFixture('comments-2026-obfuscated.html', 'comments');

  it('item 1: comment', () => {
    const expected: ParsedActivity = {
      index: 0,
      source_tab: 'comments',
      type: 'comment',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/comments',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7390000000000000071/',
      author: JANE,
      original_author: {
        name: 'Omar Haddad',
        profile_url: 'https://www.linkedin.com/in/omar-haddad',
        headline: 'Head of Growth at Contoso',
        type: 'person',
      },
      text_md:
        'Pricing page visits from two people at the same account within a week. [Lea Martin](https://www.linkedin.com/in/lea-martin-sdr) agree on job changes too!',
      parent_text_md:
        'Hot take: most "intent data" is just website visits with a price tag. What signals actually predict a meeting for you?',
      date_token: '1d',
      published_at: '2026-12-01T10:00:00.000Z',
      counts: {
        reactions: 84,
        comments: 12,
        reposts: 0,
      },
      links: [],
      hashtags: [],
      mentions: {
        people: [
          {
            name: 'Lea Martin',
            url: 'https://www.linkedin.com/in/lea-martin-sdr',
          },
        ],
        companies: [],
      },
      content_md:
        '[Jane Doe](https://www.linkedin.com/in/jane-doe-12345) commented on this\n\n[Omar Haddad • 2nd Head of Growth at Contoso](https://www.linkedin.com/in/omar-haddad) 5d •\n\nHot take: most "intent data" is just website visits with a price tag. What signals actually predict a meeting for you?\n\n84 reactions 12 comments\n\n[Lea Martin • 3rd+ SDR Team Lead](https://www.linkedin.com/in/lea-martin-sdr) 3d\nJob changes. Every single time.\n\n[Jane Doe • You VP Sales at Acme Corp | Revenue Operations](https://www.linkedin.com/in/jane-doe-12345) 1d\nPricing page visits from two people at the same account within a week. [Lea Martin](https://www.linkedin.com/in/lea-martin-sdr) agree on job changes too!\n· 2 reactions',
    };
    expect(acts[0]).toEqual(expected);
  });

  it('item 2: comment', () => {
    const expected: ParsedActivity = {
      index: 1,
      source_tab: 'comments',
      type: 'comment',
      activity_url: 'https://www.linkedin.com/in/jane-doe-12345/recent-activity/comments',
      post_url: 'https://www.linkedin.com/feed/update/urn:li:activity:7380000000000000072/',
      author: JANE,
      original_author: {
        name: 'Northwind Traders',
        profile_url: 'https://www.linkedin.com/company/northwind-traders',
        headline: '5,120 followers',
        type: 'company',
      },
      text_md: 'Happy to connect you, Sven! Sending a DM.',
      parent_text_md:
        'We are expanding to the Nordics 🇸🇪🇳🇴🇩🇰 and hiring our first Nordic sales team. #Nordics',
      date_token: '2w',
      published_at: '2026-11-18T10:00:00.000Z',
      counts: {
        reactions: 1100,
        comments: 45,
        reposts: 9,
      },
      links: [],
      hashtags: ['#Nordics'],
      mentions: {
        people: [],
        companies: [],
      },
      content_md:
        '[Northwind Traders 5,120 followers](https://www.linkedin.com/company/northwind-traders) 3w • Edited •\n\nWe are expanding to the Nordics 🇸🇪🇳🇴🇩🇰 and hiring our first Nordic sales team. #Nordics\n\n1.1K reactions 45 comments 9 reposts\n\n[Sven Larsen Country Manager Sweden](https://www.linkedin.com/in/sven-larsen) 3w\nWho should I talk to about partnerships?\n\n[Jane Doe • You VP Sales at Acme Corp | Revenue Operations](https://www.linkedin.com/in/jane-doe-12345) 2w\nHappy to connect you, Sven! Sending a DM.',
    };
    expect(acts[1]).toEqual(expected);
  });

  it("has 2 items; the reply nested under another comment is the person's comment", () => {
    expect(acts).toHaveLength(2);
    expect(acts[1].text_md).not.toContain('partnerships');
  });
});
