import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import type { ProvenanceMethod } from '../../../providers/core/provenance';
import type { EmailFindResult, EmailVerification } from '../../../providers/email/email.types';
import { mustStop } from '../../leads/generation/call-errors';
import { isRoleAddress } from './acceptance';
import type { EmailCandidate, FindRules, FoundAddress, PatternInfo } from './email-candidate';
import { candidateAddresses } from './email-patterns';
import { bestForPerson, keepVerified } from './keep';
import { PatternKnowledge } from './pattern-knowledge';
import { VerifyStage } from './verify.stage';

/** A person whose address is wanted, with where the person came from. */
export interface PersonToFind {
  first_name: string;
  last_name: string;
  position?: string | null;
  /** Where the person was found (a lead, a people provider, a page); the request by default. */
  source?: string;
  method?: ProvenanceMethod;
  evidence?: string[];
  cost_usd?: number;
}

/** What one find at a domain shares across its people. */
export interface FindRun {
  tenantId: string | null;
  taskId: string | null;
  domain: string;
  rules: FindRules;
  scope: () => CallScope;
  /** Addresses reported bounced at the domain: never offered again. */
  bounced: string[];
}

export interface PersonOutcome {
  best: FoundAddress | null;
  candidates: number;
  verified: number;
  cost_usd: number;
  api_errors: number;
  /** Every verdict of this person's addresses (the result's counts, the domain's catch-all). */
  verdicts: EmailVerification[];
  /** Addresses not kept, by reason. */
  rejected: Record<string, number>;
}

/** Confidence (0–100) of a permutation that is not the domain's known pattern. */
const GUESS_CONFIDENCE = 20;

/**
 * One person's address at a domain: the `email.find` waterfall (Hunter's email-finder), then the
 * permutations of the name ordered by the domain's pattern. The finder's answer and the known
 * pattern's address are verified first, alone: one deliverable ends the search with one or two
 * probes; else every other permutation is verified in one call (one SMTP session per domain).
 * The first kept deliverable wins, else the best risky one.
 */
@Injectable()
export class PersonFinder {
  constructor(
    private readonly client: ProviderClient,
    private readonly patterns: PatternKnowledge,
    private readonly verifier: VerifyStage,
  ) {}

  async find(
    person: PersonToFind,
    run: FindRun,
    pattern: PatternInfo | null,
    opts: { useFinder: boolean },
  ): Promise<PersonOutcome> {
    const out: PersonOutcome = {
      best: null,
      candidates: 0,
      verified: 0,
      cost_usd: 0,
      api_errors: 0,
      verdicts: [],
      rejected: {},
    };
    const head: EmailCandidate[] = [];
    if (opts.useFinder && this.patterns.canSearchDomain()) {
      const found = await this.finder(person, run);
      out.cost_usd += found.cost_usd;
      out.api_errors += found.api_errors;
      if (found.candidate) head.push(found.candidate);
    }
    const perms = candidateAddresses(person, run.domain, pattern?.pattern).map(
      (c, i): EmailCandidate => ({
        email: c.email,
        first_name: person.first_name,
        last_name: person.last_name,
        position: person.position ?? null,
        generic: false,
        source: person.source ?? 'request',
        method: 'inferred',
        pattern: c.pattern,
        find_confidence:
          pattern && i === 0 ? Math.round(pattern.confidence * 100) : GUESS_CONFIDENCE,
        cost_usd: person.cost_usd ?? 0,
        ...(person.evidence?.length ? { evidence: person.evidence } : {}),
      }),
    );
    if (pattern && perms.length) head.push(perms[0]);
    const all = dedupe([...head, ...perms]).filter((c) => {
      const skip = run.bounced.includes(c.email);
      if (skip) out.rejected.bounced = (out.rejected.bounced ?? 0) + 1;
      return !skip;
    });
    const first = head.filter((c) => all.includes(c));
    out.candidates = all.length;
    const kept: FoundAddress[] = [];
    const rounds = first.length ? [first, all.filter((c) => !first.includes(c))] : [all];
    for (const round of rounds) {
      if (!round.length) continue;
      const v = await this.verifier.verify(
        round.map((c) => c.email),
        run.scope(),
      );
      out.verified += v.probed;
      out.cost_usd += v.cost_usd;
      out.api_errors += v.api_errors;
      out.verdicts.push(...v.byEmail.values());
      kept.push(...keepVerified(round, v.byEmail, run.rules, run.taskId, out.rejected));
      if (kept.some((k) => k.status === 'deliverable')) break;
    }
    out.best = bestForPerson(kept);
    return out;
  }

  /** The email.find waterfall for the person; its address as a candidate. */
  private async finder(
    person: PersonToFind,
    run: FindRun,
  ): Promise<{ candidate: EmailCandidate | null; cost_usd: number; api_errors: number }> {
    const scope = run.scope();
    try {
      const w = await this.client.waterfall<EmailFindResult>(
        'email.find',
        {
          input: { domain: run.domain, first_name: person.first_name, last_name: person.last_name },
        },
        (o) => o.found && !!o.data?.emails.length,
        scope,
      );
      const errors = w.steps.filter((s) => s.error).length;
      const f = w.winner?.data?.emails[0];
      if (!f || !f.email.toLowerCase().endsWith(`@${run.domain}`))
        return { candidate: null, cost_usd: w.cost_usd, api_errors: errors };
      return {
        candidate: {
          email: f.email.toLowerCase(),
          first_name: f.first_name ?? person.first_name,
          last_name: f.last_name ?? person.last_name,
          position: f.position ?? person.position ?? null,
          generic: f.type === 'generic' || isRoleAddress(f.email),
          source: w.winner!.provider,
          method: 'api',
          find_confidence: f.confidence ?? 50,
          cost_usd: w.cost_usd,
          evidence: (f.sources ?? [])
            .map((s) => s.uri)
            .filter((u): u is string => !!u)
            .slice(0, 5),
        },
        cost_usd: w.cost_usd,
        api_errors: errors,
      };
    } catch (err) {
      if (mustStop(err, scope)) throw err;
      return { candidate: null, cost_usd: 0, api_errors: 1 };
    }
  }
}

function dedupe(cs: EmailCandidate[]): EmailCandidate[] {
  const seen = new Set<string>();
  return cs.filter((c) => !seen.has(c.email) && !!seen.add(c.email));
}
