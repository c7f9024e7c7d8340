import { Injectable } from '@nestjs/common';
import type { EmailFindResult } from '../../../providers/email/email.types';
import type { PeopleFound } from '../../leads/generation/people.stage';
import { PeopleStage } from '../../leads/generation/people.stage';
import { unresolvedOrganization } from '../../leads/generation/organization.stage';
import { toVerify } from './acceptance';
import type { EmailCandidate, FoundAddress, PatternInfo } from './email-candidate';
import { addressPart } from './email-patterns';
import { keepVerified } from './keep';
import { FindRun, PersonFinder, PersonOutcome, PersonToFind } from './person.finder';
import { VerifyStage } from './verify.stage';

/** The decision-makers whose addresses a domain find looks for. */
export const DECISION_MAKERS = {
  buyers: ['CEO', 'Founder', 'Owner', 'President', 'Chief Operating Officer', 'Managing Director'],
  influencers: ['VP', 'Head of', 'Director'],
};

export interface FoundStep {
  kept: FoundAddress[];
  candidates: number;
  verified: number;
  cost_usd: number;
  api_errors: number;
  catch_all: boolean | null;
  rejected: Record<string, number>;
}

/** A step that found nothing (yet). */
export const emptyStep = (): FoundStep => ({
  kept: [],
  candidates: 0,
  verified: 0,
  cost_usd: 0,
  api_errors: 0,
  catch_all: null,
  rejected: {},
});

const nameKey = (first: string | null | undefined, last: string | null | undefined) =>
  `${addressPart(first)}|${addressPart(last)}`;

/**
 * A domain's decision-makers' addresses (SEED-CONTRACTS part C, widened): the domain search's
 * addresses worth verifying (personal above the confidence threshold, generic inboxes only as a
 * fallback), verified in one call; when too few are kept, the people at the company (the
 * people.search waterfall, then an LLM web search) and their address permutations.
 */
@Injectable()
export class DomainFinder {
  constructor(
    private readonly verifier: VerifyStage,
    private readonly people: PeopleStage,
    private readonly persons: PersonFinder,
  ) {}

  /** Verifies what the domain search found and keeps what decide() keeps. */
  async verifyFound(
    search: EmailFindResult | null,
    provider: string | null,
    searchCost: number,
    run: FindRun,
  ): Promise<FoundStep> {
    const found = (search?.emails ?? []).filter(
      (e) =>
        e.email.toLowerCase().endsWith(`@${run.domain}`) &&
        !run.bounced.includes(e.email.toLowerCase()),
    );
    // The search's cost, spread over the addresses it returned.
    const perEmail = found.length ? searchCost / found.length : 0;
    const chosen = toVerify(
      found.map((f) => ({ ...f, confidence: f.confidence ?? 0 })),
      run.rules,
    );
    const candidates: EmailCandidate[] = chosen.map((f) => ({
      email: f.email.toLowerCase(),
      first_name: f.first_name ?? null,
      last_name: f.last_name ?? null,
      position: f.position ?? null,
      generic: f.generic,
      source: provider ?? 'email.find',
      method: 'api',
      find_confidence: f.confidence,
      cost_usd: perEmail,
      evidence: (f.sources ?? [])
        .map((s) => s.uri)
        .filter((u): u is string => !!u)
        .slice(0, 5),
    }));
    if (!candidates.length) return emptyStep();
    const v = await this.verifier.verify(
      candidates.map((c) => c.email),
      run.scope(),
    );
    const rejected: Record<string, number> = {};
    return {
      kept: keepVerified(candidates, v.byEmail, run.rules, run.taskId, rejected),
      rejected,
      candidates: candidates.length,
      verified: v.probed,
      cost_usd: v.cost_usd,
      api_errors: v.api_errors,
      catch_all: [...v.byEmail.values()].some((r) => r.catch_all === true) || null,
    };
  }

  /** The people at the company (people.search waterfall, then an LLM web search). */
  findPeople(run: FindRun, companyName: string | null): Promise<PeopleFound> {
    return this.people.find(
      { name: companyName ?? run.domain, domain: run.domain },
      unresolvedOrganization(),
      DECISION_MAKERS,
      run.rules.maxPeople,
      { ...run.scope(), taskId: run.taskId },
    );
  }

  /**
   * Each named person not already kept gets the person pipeline (permutations by the domain's
   * pattern, no finder call), one after another until `wanted` personal addresses are kept; a
   * deliverable address found teaches the run its pattern.
   */
  async permute(
    people: PersonToFind[],
    already: FoundAddress[],
    run: FindRun,
    pattern: PatternInfo | null,
  ): Promise<FoundStep & { pattern: PatternInfo | null }> {
    const step: FoundStep & { pattern: PatternInfo | null } = { ...emptyStep(), pattern };
    const covered = new Set(already.map((a) => nameKey(a.first_name, a.last_name)));
    let personal = already.filter((a) => !a.generic).length;
    for (const p of people) {
      if (personal >= run.rules.wanted) break;
      const key = nameKey(p.first_name, p.last_name);
      if (covered.has(key)) continue;
      covered.add(key);
      const o: PersonOutcome = await this.persons.find(p, run, step.pattern, { useFinder: false });
      step.candidates += o.candidates;
      step.verified += o.verified;
      step.cost_usd += o.cost_usd;
      step.api_errors += o.api_errors;
      if (o.verdicts.some((v) => v.catch_all === true)) step.catch_all = true;
      addCounts(step.rejected, o.rejected);
      if (!o.best) continue;
      step.kept.push(o.best);
      personal += 1;
      if (!step.pattern && o.best.status === 'deliverable' && o.best.pattern)
        step.pattern = { pattern: o.best.pattern, confidence: 0.8, source: 'verified' };
    }
    return step;
  }
}

/** People with a first and a last name, as the person pipeline takes them. */
export function namedPeople(found: PeopleFound): PersonToFind[] {
  const out: PersonToFind[] = [];
  for (const c of found.candidates) {
    const p = c.person;
    const [first, ...rest] = (p.name ?? '').trim().split(/\s+/);
    const firstName = p.first_name ?? first;
    const lastName = p.obfuscated ? undefined : (p.last_name ?? (rest.join(' ') || undefined));
    if (!firstName || !lastName) continue;
    const prov = c.provenance.name ?? c.provenance.first_name;
    out.push({
      first_name: firstName,
      last_name: lastName,
      position: p.title ?? null,
      source: prov?.source ?? c.vendor ?? 'people.search',
      method: 'inferred',
      evidence: prov?.evidence,
      cost_usd: Object.values(c.provenance).reduce((s, x) => s + (x.cost_usd ?? 0), 0),
    });
  }
  return out;
}

/** Adds the counts of `b` to `a`. */
export function addCounts(
  a: Record<string, number>,
  b: Record<string, number>,
): Record<string, number> {
  for (const [k, n] of Object.entries(b)) a[k] = (a[k] ?? 0) + n;
  return a;
}
