import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export type MailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'discarded';

/**
 * The outbox: one row per e-mail, written in the transaction of its cause with a unique idempotency key (a
 * repeated cause writes nothing), then sent by the `mail.send` job, which claims the row so a retried or
 * concurrent job never sends it twice.
 */
@Entity('mail_messages')
@Check('mail_messages_status_check', `"status" IN ('queued', 'sending', 'sent', 'failed', 'discarded')`)
@Index('mail_messages_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('mail_messages_user_idx', ['userId'])
@Index('mail_messages_unsent_idx', ['createdAt'], { where: `"status" IN ('queued', 'sending')` })
export class MailMessage {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_mail_messages' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  idempotencyKey: string;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mail_messages_user' })
  user?: User;

  @Column({ type: 'varchar', length: 254 })
  toAddress: string;

  @Column({ type: 'varchar', length: 300 })
  subject: string;

  @Column({ type: 'text' })
  textBody: string;

  @Column({ type: 'text' })
  htmlBody: string;

  @Column({ type: 'jsonb', default: {} })
  headers: Record<string, string>;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
