/** What a provider can do. A task asks for a capability; the registry knows who serves it. */
export const CAPABILITIES = [
  'web.read',
  'web.search',
  'company.profile',
  'company.linkedin',
  'person.linkedin',
  'tech.stack',
  'people.search',
  'person.enrich',
  'email.find',
  'email.verify',
  'llm.generate',
  'llm.embed',
  'speech.transcribe',
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}
