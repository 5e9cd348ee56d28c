import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/** An inbox item waiting for its reader's hourly or daily digest, due at the end of its period. */
@Entity('mail_digest_items')
@Index('mail_digest_items_due_idx', ['dueAt', 'userId'])
@Index('mail_digest_items_user_idx', ['userId'])
export class DigestItem {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_mail_digest_items' })
  notificationId: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_mail_digest_items_user' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
