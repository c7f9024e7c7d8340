import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** What an evaluation says of a lead for one product (kept as history; the newest counts). */
export interface StoredEvaluation {
  fit_score: number;
  persona_match: 'buyer' | 'influencer' | 'end_user' | null;
  rationale: string;
  matching_signals: string[];
  recommended_approach?: string;
  key_insights?: string[];
  internal_analysis?: string;
  time_signals: string[];
  method: 'llm' | 'rules';
  provider?: string;
  model?: string;
  cost_usd: number;
  /** Set when the LLM could not evaluate this lead's batch and the rules scored it instead. */
  llm_error?: string;
}

@Entity('lead_evaluations')
export class LeadEvaluationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'lead_uuid' }) leadUuid: string;
  @Column('uuid', { name: 'task_id', nullable: true }) taskId: string | null;
  /** A hash of the product's name and description: evaluations of one product, over time. */
  @Column('varchar', { name: 'product_key', length: 64 }) productKey: string;
  @Column('text', { name: 'product_name', nullable: true }) productName: string | null;
  @Column('real', { name: 'fit_score' }) fitScore: number;
  @Column('varchar', { name: 'persona_match', length: 20, nullable: true })
  personaMatch: string | null;
  @Column('varchar', { length: 10 }) method: 'llm' | 'rules';
  @Column('jsonb') evaluation: StoredEvaluation;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
