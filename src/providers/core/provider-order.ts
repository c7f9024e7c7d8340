/**
 * The provider modules in their declared order (PROVIDER_MODULES, then plugin modules): the
 * registry lists providers in this order, which is the default waterfall order of a capability.
 * Nest's own instantiation order cannot be used: a provider with constructor dependencies is
 * re-inserted when its async instantiation ends, so it would sink to the end.
 */
export const PROVIDER_MODULE_ORDER = Symbol('PROVIDER_MODULE_ORDER');
