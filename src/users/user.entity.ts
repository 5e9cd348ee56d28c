import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '../common/auth/role';

@Entity('users')
@Check('users_role_check', `"role" IN ('reader', 'moderator', 'admin')`)
@Check('users_counters_check', `"follower_count" >= 0 AND "following_count" >= 0 AND "comment_count" >= 0`)
@Index('users_email_key', ['email'], { unique: true })
@Index('users_display_name_lower_key', { synchronize: false })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** citext: unique whatever the case; null once the account is erased. */
  @Column({ type: 'citext', nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  displayName: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  bio: string | null;

  /** When `email` was confirmed (a verification link, or a newsroom token that vouches for it); null until then. */
  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 16, default: 'reader' })
  role: Role;

  @Column({ type: 'timestamptz', nullable: true })
  suspendedUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  bannedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  followerCount: number;

  @Column({ type: 'integer', default: 0 })
  followingCount: number;

  @Column({ type: 'integer', default: 0 })
  commentCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
