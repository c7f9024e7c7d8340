/*
 * BuiltWith Domain API wire types (`/v21|v22/api.json`, VENDORS.md §7). They never leave this
 * folder: the mappers turn them into our TechStack.
 */

export type BwCategory = string | { Name?: string | null } | null;

export interface BwTechnology {
  Name?: string | null;
  Description?: string | null;
  Link?: string | null;
  Parent?: string | null;
  Tag?: string | null;
  Categories?: BwCategory[] | null;
  FirstDetected?: number | null;
  LastDetected?: number | null;
  IsPremium?: string | boolean | null;
  /** Not in the documented schema; honoured when a response carries it. */
  Live?: string | boolean | null;
  IsLive?: string | boolean | null;
}

export interface BwPath {
  FirstIndexed?: number | null;
  LastIndexed?: number | null;
  Domain?: string | null;
  Url?: string | null;
  SubDomain?: string | null;
  Technologies?: BwTechnology[] | null;
}

export interface BwMeta {
  CompanyName?: string | null;
  Telephones?: string[] | null;
  Emails?: string[] | null;
  City?: string | null;
  State?: string | null;
  Postcode?: string | null;
  Country?: string | null;
  Social?: string[] | null;
  Names?: Array<{
    Name?: string | null;
    Type?: number | string | null;
    Email?: string | null;
  }> | null;
  ARank?: number | null;
  QRank?: number | null;
  Vertical?: string | null;
}

export interface BwResultEntry {
  Result?: { IsDB?: string | boolean | null; Paths?: BwPath[] | null } | null;
  Meta?: BwMeta | null;
  Attributes?: Record<string, unknown> | null;
  FirstIndexed?: number | null;
  LastIndexed?: number | null;
  Lookup?: string | null;
}

export interface BuiltWithResponse {
  Results?: BwResultEntry[] | null;
  Errors?: Array<{ Lookup?: string | null; Message?: string | null; Code?: number | null }> | null;
}
