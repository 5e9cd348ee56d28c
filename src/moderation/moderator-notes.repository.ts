import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ModeratorNote } from './moderator-note.entity';

export interface NotePosition {
  createdAt: string;
  id: string;
}

/** Moderators' notes about readers, newest first on `moderator_notes_subject_idx`. */
@Injectable()
export class ModeratorNotesRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  async insert(subjectId: string, authorId: string, body: string): Promise<ModeratorNote> {
    const [row]: ModeratorNote[] = await this.tx.query(
      `INSERT INTO moderator_notes (subject_id, author_id, body) VALUES ($1, $2, $3)
       RETURNING id, subject_id AS "subjectId", author_id AS "authorId", body, created_at AS "createdAt"`,
      [subjectId, authorId, body],
    );
    return row;
  }

  /** Newest first; `limit + 1` rows so the caller knows whether another page exists. */
  findNewestPage(subjectId: string, limit: number, after?: NotePosition): Promise<ModeratorNote[]> {
    const params: unknown[] = [subjectId, limit + 1];
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.id);
      keyset = `AND (created_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    return this.tx.query(
      `SELECT id, subject_id AS "subjectId", author_id AS "authorId", body, created_at AS "createdAt"
         FROM moderator_notes
        WHERE subject_id = $1 ${keyset}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
  }

  /** Erasure of `userId`: the notes about them go; the notes they wrote stay, without their author. */
  async eraseFor(userId: string): Promise<void> {
    await this.tx.query(`DELETE FROM moderator_notes WHERE subject_id = $1`, [userId]);
    await this.tx.query(`UPDATE moderator_notes SET author_id = NULL WHERE author_id = $1`, [userId]);
  }
}
