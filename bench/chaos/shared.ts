/** What the chaos harness and its app processes (chaos-app.main.ts) agree on. */

/** The stub vendor's providers: one with a shared response cache, one without (TTL 0). */
export const CHAOS_PROVIDERS = [
  { id: 'chaos_cached', cacheTtlSeconds: 3600 },
  { id: 'chaos_nottl', cacheTtlSeconds: 0 },
] as const;

export const LISTENING = '{"chaos":"listening"';
