/** Input of `web.read` for every reader (the built-in one, Jina Reader…). */
export interface WebReadInput {
  url: string;
  /** Ask for the raw HTML too (the built-in reader always has it). */
  includeHtml?: boolean;
}

export interface WebLink {
  /** Absolute URL. */
  href: string;
  text: string;
  rel?: string;
}

/** Canonical answer of `web.read`: one page, cleaned. A 404 page is `found: false`, not an error. */
export interface WebPage {
  /** The URL asked for. */
  url: string;
  /** The URL finally read, after redirects. */
  final_url: string;
  status: number;
  content_type: string;
  title: string | null;
  /** BCP 47 tag from <html lang> or Content-Language, when known. */
  lang: string | null;
  /** Readable text (scripts, styles, navigation boilerplate removed). */
  text: string;
  /** The same content as Markdown. */
  markdown: string;
  /** The HTML the page was parsed from (absent for readers that do not return it). */
  html?: string;
  links: WebLink[];
  /** Response headers that matter for fingerprints (server, x-powered-by, set-cookie names…), lower-case keys. */
  headers?: Record<string, string>;
  fetched_at: string;
  /** Who read it: `builtin`, `jina`… */
  reader: string;
  /**
   * The page was cut: its body was longer than the reader's byte cap, or its markup was nested too
   * deep to parse whole. What comes before the cut (title, links, text) is still read.
   */
  truncated?: boolean;
  /** URLs that redirected on the way to `final_url`, in order (the first is `url`). */
  redirects?: string[];
  /** Character encoding the page was decoded from (WHATWG name, e.g. `utf-8`, `shift_jis`). */
  charset?: string;
}
