import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../../common/auth/principal';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import type { EmailFeedbackDto, ListEmailsQueryDto } from '../dto/email-requests.dto';
import type { EmailFeedbackResultDto, StoredEmailDto } from '../dto/email-views.dto';
import { emailDomain } from '../dto/email-finding.input';
import { PATTERN_START, PATTERN_STEP, patternOf } from '../finding/pattern-knowledge';
import type { EmailEntity } from '../storage/email.entity';
import type { EmailPatternEntity } from '../storage/email-pattern.entity';
import { EmailsRepository } from '../storage/emails.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

const encodeCursor = (id: string) => Buffer.from(`email:${id}`).toString('base64url');
function decodeCursor(cursor: string): string | null {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('email:') ? raw.slice(6) : '';
  return UUID.test(id) ? id : null;
}

export function toStoredEmailDto(e: EmailEntity): StoredEmailDto {
  return {
    id: e.id,
    email: e.email,
    domain: e.domain,
    lead_id: e.leadUuid,
    first_name: e.firstName,
    last_name: e.lastName,
    position: e.position,
    type: e.type,
    generic: e.generic,
    status: e.status,
    reasons: e.reasons,
    score: e.score,
    confidence: e.confidence,
    source: e.source,
    method: e.method,
    pattern: e.pattern,
    active: e.active,
    verified_at: iso(e.verifiedAt),
    provenance: e.provenance,
    created_at: iso(e.createdAt)!,
    updated_at: iso(e.updatedAt)!,
  };
}

/** Stored addresses and feedback, as a caller sees them (a tenant-bound key: its tenant only). */
@Injectable()
export class EmailsService {
  constructor(private readonly repo: EmailsRepository) {}

  async list(q: ListEmailsQueryDto, caller: Principal): Promise<Page<StoredEmailDto>> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.list({
      tenantId: caller.tenant,
      domain: q.domain ? (emailDomain(q.domain) ?? q.domain.toLowerCase()) : undefined,
      leadUuid: q.lead_id,
      status: q.status,
      afterId: cursorParam(q.cursor, decodeCursor),
      limit: limit + 1,
    });
    return toPage(rows, limit, toStoredEmailDto, (r) => encodeCursor(r.id));
  }

  /**
   * A bounce makes every stored row of the address inactive and lowers the confidence of the
   * pattern it was made with; a delivery makes them active and confirms that pattern.
   */
  async feedback(body: EmailFeedbackDto, caller: Principal): Promise<EmailFeedbackResultDto> {
    const email = body.email.trim().toLowerCase();
    const rows = await this.repo.byAddress(caller.tenant, email);
    if (!rows.length) throw new NotFoundException({ detail: 'No stored address matches' });
    const bounced = body.outcome === 'bounced';
    await this.repo.setActive(
      rows.map((r) => r.id),
      !bounced,
    );
    let pattern: EmailPatternEntity | null = null;
    const done = new Set<string>();
    for (const r of rows) {
      const p = r.generic
        ? null
        : patternOf({ ...r, first_name: r.firstName, last_name: r.lastName });
      const key = `${r.tenantId}|${r.domain}|${p}`;
      if (!p || done.has(key)) continue;
      done.add(key);
      pattern = await this.repo.observePattern(r.tenantId, r.domain, p, {
        source: 'feedback',
        // A pattern first heard of by a bounce is not trusted; by a delivery, as a verified one.
        confidence: bounced ? 0 : PATTERN_START.verified,
        delta: bounced ? PATTERN_STEP.bounced : PATTERN_STEP.delivered,
        confirmed: !bounced,
        bounced,
      });
    }
    return {
      email,
      outcome: body.outcome,
      updated: rows.length,
      active: !bounced,
      pattern: pattern && {
        pattern: pattern.pattern,
        confidence: Math.round(pattern.confidence * 1000) / 1000,
        confirmations: pattern.confirmations,
        bounces: pattern.bounces,
      },
    };
  }
}
