/**
 * The path of a LinkedIn URL given loosely (any scheme or none, `www.` or a country subdomain,
 * trailing path and query), matched against `path`; null when it is not a LinkedIn URL whose path
 * matches. Adapters build the canonical URL their vendor takes from the match.
 */
export function matchLinkedinPath(raw: string, path: RegExp): RegExpMatchArray | null {
  let url: URL | undefined;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    return null;
  }
  if (!/(^|\.)linkedin\.com$/i.test(url.hostname)) return null;
  return url.pathname.match(path);
}
