/*
 * Keyless company extraction and profile merging: pure functions over pages already read
 * (no I/O, no Nest providers). See extractCompanyFacts, mergeProfile, toProcessedData and
 * normaliseDomain.
 */
export { extractCompanyFacts, type ExtractCompanyFactsOptions } from './company-facts.extractor';
export { classifyEmail, parsePhone } from './contacts.extractor';
export {
  InvalidDomainError,
  isSameSite,
  normaliseDomain,
  tryNormaliseDomain,
  type InvalidDomainReason,
} from './domain';
export type {
  DetectedTechnology,
  ExtractedFacts,
  ExtractOptions,
  FactField,
  PhoneNumber,
  PublicEmail,
} from './extraction.types';
export { FIELD_SPECS, type FieldSpec } from './field-specs';
export { candidatesFromCompanyProfile, candidatesFromTechStack } from './profile-candidates';
export {
  chosenValue,
  chosenValues,
  combineCandidates,
  DEFAULT_MERGE_RULE,
  mergeProfile,
  type CandidateMap,
  type MergeConflict,
  type MergedEntry,
  type MergedField,
  type MergedList,
  type MergedProfile,
  type MergeRule,
  type PrecedenceTier,
} from './profile-merge';
export {
  formatLocation,
  toProcessedData,
  type AccountEnhancementProcessedData,
  type RecentEvent,
} from './processed-data.mapper';
export { classifySocialUrl, type SocialProfile } from './social-profiles';
export { detectTechnologies } from './technologies.extractor';
export {
  compileFingerprints,
  defaultFingerprints,
  type FingerprintSet,
} from './technology-fingerprints';
