/**
 * Every provider module, one line each. Adding a provider = one folder under src/providers/<name>/
 * with its module, plus one line here.
 */
export const PROVIDER_MODULES = [];
