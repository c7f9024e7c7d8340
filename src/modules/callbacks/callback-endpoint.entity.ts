import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A callback URL that answered 410 Gone: nothing more is sent to it until re-enabled. */
@Entity({ name: 'callback_endpoints' })
export class CallbackEndpointEntity {
  @PrimaryColumn('text') url: string;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt: Date | null;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
