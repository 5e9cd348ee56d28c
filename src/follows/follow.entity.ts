import { Check, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** One reader following another; the primary key makes a follow happen once. */
@Entity('follows')
@Check('follows_not_self_check', '"follower_id" <> "followee_id"')
@Index('follows_followee_idx', ['followeeId', 'createdAt', 'followerId'])
@Index('follows_follower_idx', ['followerId', 'createdAt', 'followeeId'])
export class Follow {
  @PrimaryColumn({ type: 'uuid' })
  followerId: string;

  @PrimaryColumn({ type: 'uuid' })
  followeeId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follower_id' })
  follower?: User;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'followee_id' })
  followee?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
