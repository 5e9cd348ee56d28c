import { TransactionContext } from '../database/transaction-context';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReportReason } from './comment-report.entity';

/** Reactions and reports: like-once rows guarded by the database, with their counters. */
@Injectable()
export class CommentFeedbackRepository {
  constructor(private readonly txHost: TransactionContext) {}

  /** The statement runs in the current transaction when there is one. */
  private get tx(): EntityManager {
    return this.txHost.tx;
  }

  /** True when this call created the reaction (the primary key makes repeats no-ops). */
  async insertReaction(commentId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO comment_reactions (comment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING comment_id`,
      [commentId, userId],
    );
    return rows.length > 0;
  }

  /** True when this call removed a reaction. */
  async deleteReaction(commentId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `WITH removed AS (DELETE FROM comment_reactions WHERE comment_id = $1 AND user_id = $2 RETURNING comment_id)
       SELECT comment_id FROM removed`,
      [commentId, userId],
    );
    return rows.length > 0;
  }

  async adjustReactionCount(commentId: string, delta: 1 | -1): Promise<void> {
    await this.tx.query('UPDATE comments SET reaction_count = reaction_count + $2 WHERE id = $1', [commentId, delta]);
  }

  /** True when the report was recorded; false when this reader already reported the comment. */
  async insertReport(commentId: string, reporterId: string, reason: ReportReason, note: string | null): Promise<boolean> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO comment_reports (comment_id, reporter_id, reason, note) VALUES ($1, $2, $3, $4)
       ON CONFLICT (comment_id, reporter_id) DO NOTHING RETURNING id`,
      [commentId, reporterId, reason, note],
    );
    return rows.length > 0;
  }

  async incrementOpenReportCount(commentId: string): Promise<void> {
    await this.tx.query('UPDATE comments SET open_report_count = open_report_count + 1 WHERE id = $1', [commentId]);
  }
}
