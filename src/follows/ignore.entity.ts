import { Check, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** A reader ignoring another: the ignored reader's comments and notifications are kept from them. */
@Entity('ignores')
@Check('ignores_not_self_check', '"user_id" <> "ignored_user_id"')
@Index('ignores_user_idx', ['userId', 'createdAt', 'ignoredUserId'])
@Index('ignores_ignored_user_idx', ['ignoredUserId'])
export class Ignore {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'uuid' })
  ignoredUserId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ignored_user_id' })
  ignoredUser?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
