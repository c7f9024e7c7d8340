import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { FoundAddress } from '../finding/email-candidate';
import { EmailPatternEntity } from './email-pattern.entity';
import { EmailEntity } from './email.entity';

/** Addresses of one find, as the task stores them. */
export interface EmailsToSave {
  tenantId: string | null;
  domain: string;
  leadUuid: string | null;
  taskId: string | null;
  /** The person key of each address (see EmailEntity.personKey). */
  rows: Array<{ personKey: string; found: FoundAddress }>;
}

export interface EmailListQuery {
  tenantId: string | null;
  domain?: string;
  leadUuid?: string;
  status?: string;
  afterId?: string;
  limit: number;
}

/** Below this confidence a stored pattern no longer orders the candidates. */
export const PATTERN_MIN_CONFIDENCE = 0.3;

/** The only place that reads and writes `emails` and `email_domain_patterns`. */
@Injectable()
export class EmailsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Upserts the addresses of a find (a re-find updates the verdict; a bounced row stays inactive). */
  async save(s: EmailsToSave): Promise<EmailEntity[]> {
    const tenant = s.tenantId ?? '';
    const repo = this.ds.getRepository(EmailEntity);
    const out: EmailEntity[] = [];
    for (const { personKey, found: f } of s.rows) {
      const existing = await repo.findOneBy({ tenantId: tenant, personKey, email: f.email });
      const row = Object.assign(existing ?? new EmailEntity(), {
        id: existing?.id ?? randomUUID(),
        tenantId: tenant,
        personKey,
        leadUuid: s.leadUuid ?? existing?.leadUuid ?? null,
        email: f.email,
        domain: s.domain,
        firstName: f.first_name,
        lastName: f.last_name,
        position: f.position ?? existing?.position ?? null,
        type: f.type,
        generic: f.generic,
        source: f.source.slice(0, 255),
        method: f.method,
        pattern: f.pattern ?? existing?.pattern ?? null,
        confidence: f.confidence,
        status: f.status,
        reasons: f.reasons,
        score: f.score,
        verifiedAt: new Date(f.verification.verified_at),
        // A reported bounce outweighs an SMTP answer: only a reported delivery reactivates.
        active: existing?.active ?? true,
        provenance: f.provenance,
        lastTaskId: s.taskId,
      });
      out.push(await repo.save(row));
    }
    return out;
  }

  /** Active deliverable personal addresses of a domain with their names (pattern inference). */
  verifiedAt(tenantId: string | null, domain: string): Promise<EmailEntity[]> {
    return this.ds.getRepository(EmailEntity).find({
      where: {
        tenantId: tenantId ?? '',
        domain,
        status: 'deliverable',
        active: true,
        generic: false,
      },
      take: 200,
    });
  }

  /** Addresses of a domain reported bounced (inactive), which finds no longer offer. */
  async bouncedAt(tenantId: string | null, domain: string): Promise<string[]> {
    const rows = await this.ds.getRepository(EmailEntity).find({
      select: { email: true },
      where: { tenantId: tenantId ?? '', domain, active: false },
    });
    return [...new Set(rows.map((r) => r.email))];
  }

  /** The domain's most confident stored pattern still usable. */
  async pattern(tenantId: string | null, domain: string): Promise<EmailPatternEntity | null> {
    const [best] = await this.ds.getRepository(EmailPatternEntity).find({
      where: { tenantId: tenantId ?? '', domain },
      order: { confidence: 'DESC', confirmations: 'DESC' },
      take: 1,
    });
    return best && best.confidence >= PATTERN_MIN_CONFIDENCE ? best : null;
  }

  patterns(tenantId: string | null, domain: string): Promise<EmailPatternEntity[]> {
    return this.ds.getRepository(EmailPatternEntity).find({
      where: { tenantId: tenantId ?? '', domain },
      order: { confidence: 'DESC' },
    });
  }

  /**
   * Records what a find or a feedback says of a pattern: a new pattern starts at `confidence`;
   * a known one moves by `delta` (clamped to 0–1) and counts the confirmation or bounce.
   */
  async observePattern(
    tenantId: string | null,
    domain: string,
    pattern: string,
    o: {
      source: string;
      confidence: number;
      delta: number;
      confirmed?: boolean;
      bounced?: boolean;
    },
  ): Promise<EmailPatternEntity> {
    const conf = o.confirmed ? 1 : 0;
    const bounce = o.bounced ? 1 : 0;
    await this.ds.query(
      `INSERT INTO email_domain_patterns
         (tenant_id, domain, pattern, confidence, source, confirmations, bounces)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, domain, pattern) DO UPDATE SET
         confidence = LEAST(1, GREATEST(0, email_domain_patterns.confidence + $8)),
         confirmations = email_domain_patterns.confirmations + $6,
         bounces = email_domain_patterns.bounces + $7,
         updated_at = now()`,
      [tenantId ?? '', domain, pattern, o.confidence, o.source, conf, bounce, o.delta],
    );
    return (await this.ds
      .getRepository(EmailPatternEntity)
      .findOneBy({ tenantId: tenantId ?? '', domain, pattern }))!;
  }

  /** Every stored row of an address for a tenant (any tenant for an unbound caller). */
  byAddress(tenantId: string | null, email: string): Promise<EmailEntity[]> {
    return this.ds.getRepository(EmailEntity).find({
      where: tenantId === null ? { email } : { tenantId, email },
    });
  }

  async setActive(ids: string[], active: boolean): Promise<void> {
    if (ids.length) await this.ds.getRepository(EmailEntity).update(ids, { active });
  }

  list(q: EmailListQuery): Promise<EmailEntity[]> {
    const qb = this.ds
      .getRepository(EmailEntity)
      .createQueryBuilder('e')
      .orderBy('e.id')
      .take(q.limit);
    if (q.tenantId !== null) qb.andWhere('e.tenant_id = :t', { t: q.tenantId });
    if (q.domain) qb.andWhere('e.domain = :d', { d: q.domain });
    if (q.leadUuid) qb.andWhere('e.lead_uuid = :l', { l: q.leadUuid });
    if (q.status) qb.andWhere('e.status = :s', { s: q.status });
    if (q.afterId) qb.andWhere('e.id > :a', { a: q.afterId });
    return qb.getMany();
  }
}
