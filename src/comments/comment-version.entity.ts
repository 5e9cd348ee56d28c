import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Comment } from './comment.entity';

/** An earlier body of an edited comment, kept for moderators. */
@Entity('comment_versions')
@Index('comment_versions_comment_idx', ['commentId', 'createdAt'])
export class CommentVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  commentId: string;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id' })
  comment?: Comment;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  /** When this body was replaced. */
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
