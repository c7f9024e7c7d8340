import type { CheerioAPI } from 'cheerio';
import type { WebLink } from '../../../providers/web/web-read.types';
import type { PageDoc } from './html-page';
import { absoluteUrl } from './html-page';

export type SocialField =
  | 'linkedin_url'
  | 'twitter_url'
  | 'github_url'
  | 'youtube_url'
  | 'facebook_url'
  | 'instagram_url'
  | 'crunchbase_url';

export interface SocialProfile {
  field: SocialField;
  /** Canonical form: `https://www.linkedin.com/company/acme`, `https://x.com/acme`… */
  url: string;
}

/** Path heads that are the network's own pages (share dialogs, search, login), not a profile. */
const NOT_A_HANDLE: Record<string, Set<string>> = {
  twitter: new Set([
    'share',
    'intent',
    'home',
    'search',
    'hashtag',
    'i',
    'login',
    'signup',
    'explore',
    'settings',
    'privacy',
    'tos',
    'messages',
    'notifications',
  ]),
  github: new Set([
    'sponsors',
    'features',
    'pricing',
    'about',
    'login',
    'join',
    'marketplace',
    'topics',
    'orgs',
    'settings',
    'site',
    'contact',
    'enterprise',
    'security',
    'apps',
  ]),
  facebook: new Set([
    'sharer',
    'sharer.php',
    'share.php',
    'dialog',
    'plugins',
    'tr',
    'login',
    'login.php',
    'groups',
    'events',
    'watch',
    'help',
    'policies',
    'privacy',
    'hashtag',
    'people',
    'profile.php',
  ]),
  instagram: new Set(['p', 'reel', 'reels', 'explore', 'accounts', 'stories', 'tv', 'about']),
};

/**
 * Which company profile a URL is, in canonical form, or null when it is no company profile
 * (a person's LinkedIn, a share button, a single post or video).
 */
export function classifySocialUrl(href: string): SocialProfile | null {
  let u: URL;
  try {
    u = new URL(href.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname
    .toLowerCase()
    .replace(/^(?:www|m|mobile|[a-z]{2})\.(?=[^.]+\.[^.]+$)/, '');
  const seg = u.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponentSafe(s));
  const first = (seg[0] ?? '').toLowerCase();

  if (host === 'linkedin.com') {
    if (['company', 'school', 'showcase'].includes(first) && seg[1]) {
      return { field: 'linkedin_url', url: `https://www.linkedin.com/${first}/${seg[1]}` };
    }
    return null; // /in/ is a person; /shareArticle, /feed… are not profiles
  }
  if (host === 'twitter.com' || host === 'x.com') {
    const handle = seg[0];
    if (!handle || NOT_A_HANDLE.twitter.has(first) || !/^\w{1,15}$/.test(handle)) return null;
    return { field: 'twitter_url', url: `https://x.com/${handle}` };
  }
  if (host === 'github.com') {
    const org = seg[0];
    if (!org || NOT_A_HANDLE.github.has(first) || !/^[a-z\d](?:[a-z\d-]{0,38})$/i.test(org)) {
      return null;
    }
    return { field: 'github_url', url: `https://github.com/${org}` };
  }
  if (host === 'youtube.com') {
    if (first.startsWith('@'))
      return { field: 'youtube_url', url: `https://www.youtube.com/${seg[0]}` };
    if (['channel', 'c', 'user'].includes(first) && seg[1]) {
      return { field: 'youtube_url', url: `https://www.youtube.com/${first}/${seg[1]}` };
    }
    return null; // /watch, /embed, /playlist: content, not the channel
  }
  if (host === 'facebook.com' || host === 'fb.com') {
    if (!seg[0] || NOT_A_HANDLE.facebook.has(first)) return null;
    if (first === 'pages' && seg.length >= 2) {
      return {
        field: 'facebook_url',
        url: `https://www.facebook.com/${seg.slice(0, 3).join('/')}`,
      };
    }
    return { field: 'facebook_url', url: `https://www.facebook.com/${seg[0]}` };
  }
  if (host === 'instagram.com') {
    if (!seg[0] || NOT_A_HANDLE.instagram.has(first)) return null;
    return { field: 'instagram_url', url: `https://www.instagram.com/${seg[0]}` };
  }
  if (host === 'crunchbase.com') {
    if (first === 'organization' && seg[1]) {
      return { field: 'crunchbase_url', url: `https://www.crunchbase.com/organization/${seg[1]}` };
    }
    return null;
  }
  return null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface FoundProfile extends SocialProfile {
  detail: 'rel-me' | 'site-link' | 'body-link';
}

/** Where the site keeps its own profiles: footer, header, navigation, "follow us" blocks. */
const CHROME =
  'footer, header, nav, [role=contentinfo], [class*=footer], [id*=footer], [class*=social], [id*=social], [class*=follow]';

/**
 * Company profiles linked from a page: `rel=me` links, footer / header links, and (on the pages
 * about the company itself) links in the content. Blog posts link to other companies' profiles,
 * so their content links are not read.
 */
export function findSocialProfiles(doc: PageDoc): FoundProfile[] {
  const found: FoundProfile[] = [];
  const bodyLinksCount = doc.kind === 'home' || doc.kind === 'about' || doc.kind === 'contact';
  if (doc.$) {
    const $: CheerioAPI = doc.$;
    $('a[href], link[href][rel~=me]').each((_, el) => {
      const href = absoluteUrl($(el).attr('href'), doc.url);
      const profile = href ? classifySocialUrl(href) : null;
      if (!profile) return;
      const rel = ($(el).attr('rel') ?? '').toLowerCase().split(/\s+/);
      const detail = rel.includes('me')
        ? 'rel-me'
        : $(el).closest(CHROME).length
          ? 'site-link'
          : 'body-link';
      if (detail === 'body-link' && !bodyLinksCount) return;
      found.push({ ...profile, detail });
    });
    return found;
  }
  // Readers without HTML still list the links; without layout, only `rel=me` is certain.
  for (const link of doc.page.links as WebLink[]) {
    const profile = classifySocialUrl(link.href);
    if (!profile) continue;
    const rel = (link.rel ?? '').toLowerCase().split(/\s+/);
    const detail = rel.includes('me') ? 'rel-me' : 'body-link';
    if (detail === 'body-link' && !bodyLinksCount) continue;
    found.push({ ...profile, detail });
  }
  return found;
}
