import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export const MODERATOR_NOTE_MAX = 2000;

/**
 * A moderator's note about a reader, seen only by staff (the reader drawer).
 * Erasure deletes the notes about the erased reader and keeps the notes an
 * erased moderator wrote, without their author.
 */
@Entity('moderator_notes')
@Check('moderator_notes_body_check', `char_length("body") BETWEEN 1 AND 2000`)
@Index('moderator_notes_subject_idx', ['subjectId', 'createdAt', 'id'])
@Index('moderator_notes_author_idx', ['authorId'])
export class ModeratorNote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The reader the note is about. */
  @Column({ type: 'uuid' })
  subjectId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id' })
  subject?: User;

  /** The moderator who wrote it; null once their account is erased. */
  @Column({ type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: User;

  /** Plain text as written, newlines kept. */
  @Column({ type: 'text' })
  body: string;

  /** Millisecond precision, so the keyset cursor (a JavaScript date) is exact. */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
