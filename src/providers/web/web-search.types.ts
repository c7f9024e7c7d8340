/** Input of `web.search` for every search provider. */
export interface WebSearchInput {
  query: string;
  /** At most this many results (the provider's default when omitted). */
  maxResults?: number;
  recency?: 'hour' | 'day' | 'week' | 'month' | 'year';
  /** Only these domains; a leading `-` excludes one. */
  domains?: string[];
}

export interface WebSearchResult {
  url: string;
  title?: string;
  snippet?: string;
  /** Publication date as the provider reports it (often YYYY-MM-DD). */
  date?: string;
}

/** Canonical answer of `web.search`; no result is `found: false`, not an error. */
export interface WebSearchOutput {
  results: WebSearchResult[];
}
