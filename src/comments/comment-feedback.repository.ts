import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReportReason } from './comment-report.entity';

/** Reactions and reports: like-once rows guarded by the database, with their counters. */
@Injectable()
export class CommentFeedbackRepository {
  /** True when this call created the reaction (the primary key makes repeats no-ops). */
  async insertReaction(manager: EntityManager, commentId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO comment_reactions (comment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING comment_id`,
      [commentId, userId],
    );
    return rows.length > 0;
  }

  /** True when this call removed a reaction. */
  async deleteReaction(manager: EntityManager, commentId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH removed AS (DELETE FROM comment_reactions WHERE comment_id = $1 AND user_id = $2 RETURNING comment_id)
       SELECT comment_id FROM removed`,
      [commentId, userId],
    );
    return rows.length > 0;
  }

  async adjustReactionCount(manager: EntityManager, commentId: string, delta: 1 | -1): Promise<void> {
    await manager.query('UPDATE comments SET reaction_count = reaction_count + $2 WHERE id = $1', [commentId, delta]);
  }

  /** True when the report was recorded; false when this reader already reported the comment. */
  async insertReport(manager: EntityManager, commentId: string, reporterId: string, reason: ReportReason, note: string | null): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO comment_reports (comment_id, reporter_id, reason, note) VALUES ($1, $2, $3, $4)
       ON CONFLICT (comment_id, reporter_id) DO NOTHING RETURNING id`,
      [commentId, reporterId, reason, note],
    );
    return rows.length > 0;
  }

  async incrementOpenReportCount(manager: EntityManager, commentId: string): Promise<void> {
    await manager.query('UPDATE comments SET open_report_count = open_report_count + 1 WHERE id = $1', [commentId]);
  }
}
