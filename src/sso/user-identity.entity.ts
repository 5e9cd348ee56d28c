import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/**
 * A Margin account's link to a reader of the newsroom's identity service: the same
 * `(provider, subject)` always signs in to the same account, whatever its e-mail becomes.
 * The claims last seen are kept so that a later token changes the profile only when the
 * newsroom changed them (a name the reader chose in Margin stays until then).
 */
@Entity('user_identities')
@Index('user_identities_user_provider_key', ['userId', 'provider'], { unique: true })
export class UserIdentity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider: string;

  /** The token's `sub`. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  subject: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 254, nullable: true })
  claimedEmail: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  claimedName: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When the newsroom's claims (name, e-mail) last changed: a sign-in with the same claims writes nothing here. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  claimsChangedAt: Date;
}
