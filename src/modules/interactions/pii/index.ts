export { detectPii } from './detect';
export { PiiScrubber, scrubPii, type PiiCounts } from './pii-scrubber';
export { PII_TYPES, type PiiMatch, type PiiOptions, type PiiType } from './pii.types';
