/** Which filter tab of the person's recent-activity page the HTML was captured from (A8). */
export type ActivitySourceTab = 'posts' | 'comments' | 'reactions';

export type ActivityType = 'post' | 'repost' | 'comment' | 'reaction';

/** The three HTML strings the browser extension sends; null (or "null") when a tab was absent. */
export interface ActivityCaptures {
  posts_html?: string | null;
  comments_html?: string | null;
  reactions_html?: string | null;
}

export interface ActivityParseOptions {
  /** The person whose activity page was captured; identifies them in the markup. */
  personLinkedinUrl: string;
  /** When the extension captured the page; relative date tokens are counted back from it. */
  capturedAt: Date;
}

export interface ActivityAuthor {
  name: string;
  /** Normalised `https://www.linkedin.com/in/<slug>` or `/company/<slug>`; null when not linked. */
  profile_url: string | null;
  headline: string | null;
  type: 'person' | 'company';
}

export interface MentionedEntity {
  name: string;
  url: string;
}

export interface ActivityCounts {
  reactions: number | null;
  comments: number | null;
  reposts: number | null;
}

/**
 * One feed item of the activity page, parsed in code.
 *
 * `author` is who wrote `text_md` or performed the activity (for the person's own post, repost,
 * comment or reaction: the person). `original_author` is the author of the post the activity
 * refers to (reposts, comments, reactions), so `original_author ?? author` is the post's author.
 */
export interface ParsedActivity {
  /** 0-based position among the items of its tab, in capture order (empty placeholders skipped). */
  index: number;
  source_tab: ActivitySourceTab;
  type: ActivityType;
  /** For reactions: like, celebrate, support, love, insightful, funny (null when unworded). */
  reaction_kind?: string | null;
  /** The seed's listing URL: `{person_linkedin_url}/recent-activity/{all|comments|reactions}`. */
  activity_url: string;
  /** `https://www.linkedin.com/feed/update/urn:li:activity:N/` when the item carries its URN. */
  post_url?: string;
  author: ActivityAuthor | null;
  original_author?: ActivityAuthor | null;
  /** The person's own words (post commentary, repost thoughts, comment), Markdown. */
  text_md: string;
  /** The text of the post the activity refers to (reposts, comments, reactions), Markdown. */
  parent_text_md?: string;
  /** The relative date as shown, e.g. "3d", "2 Wochen"; undefined when none was found. */
  date_token?: string;
  /** capturedAt minus the token, ISO 8601; undefined when the token is missing or unknown. */
  published_at?: string;
  counts: ActivityCounts;
  /** External links (LinkedIn redirects unwrapped, tracking parameters removed), in order. */
  links: string[];
  /** As shown with a leading '#', deduplicated case-insensitively. */
  hashtags: string[];
  mentions: { people: MentionedEntity[]; companies: MentionedEntity[] };
  /** The whole item as Markdown (like the seed's LinkedInActivity.content_md). */
  content_md: string;
}
