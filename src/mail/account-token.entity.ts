import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export type TokenPurpose = 'verify_email' | 'reset_password';

/**
 * A link sent by e-mail: only the SHA-256 of its random token is stored, with its purpose and the address it
 * was sent to; it works once (`used_at`) and until `expires_at`.
 */
@Entity('account_tokens')
@Check('account_tokens_purpose_check', `"purpose" IN ('verify_email', 'reset_password')`)
@Index('account_tokens_hash_key', ['tokenHash'], { unique: true })
@Index('account_tokens_user_idx', ['userId', 'purpose', 'createdAt'])
export class AccountToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_account_tokens' })
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_account_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  purpose: TokenPurpose;

  @Column({ type: 'citext' })
  address: string;

  @Column({ type: 'bytea' })
  tokenHash: Buffer;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
