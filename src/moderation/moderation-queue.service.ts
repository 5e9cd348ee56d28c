import { Injectable } from '@nestjs/common';
import { CommentsService } from '../comments/comments.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { decodeCursor, encodeCursor, Page } from '../common/pagination/cursor';
import { AuthorStandingView, QueueItemView, QueueQueryDto, QueueReportView } from './dto/comment-moderation.dto';
import type { AuthorStandingRow, QueuePosition, QueueRow } from '../comments/comment-review.repository';
import { CommentReviewService } from '../comments/comment-review.service';

const REPORTS_PER_ITEM = 20;

/** The moderators' queue: each item carries what a decision needs, fetched for the whole page at once. */
@Injectable()
export class ModerationQueueService {
  constructor(
    private readonly queue: CommentReviewService,
    private readonly comments: CommentsService,
  ) {}

  async page(moderator: AuthenticatedUser, query: QueueQueryDto): Promise<Page<QueueItemView>> {
    const position = query.cursor ? toPosition(decodeCursor(query.cursor, ['number', 'timestamp', 'uuid'])) : undefined;
    const rows = await this.queue.findQueuePage(query.state, query.limit, position);
    const shown = rows.slice(0, query.limit);
    const ids = shown.map((row) => row.id);
    const authorIds = [...new Set(shown.map((row) => row.authorId).filter((id): id is string => id !== null))];
    const [views, reports, standings] = await Promise.all([
      this.comments.viewsByIds(ids, moderator),
      this.queue.findOpenReports(ids, REPORTS_PER_ITEM),
      this.queue.findAuthorStandings(authorIds),
    ]);
    const viewById = new Map(views.map((view) => [view.id, view]));
    const reportsById = groupReports(reports);
    const standingById = new Map(standings.map((standing) => [standing.userId, standing]));
    const items = shown
      .filter((row) => viewById.has(row.id))
      .map((row) => ({
        ...viewById.get(row.id)!,
        reports: reportsById.get(row.id) ?? [],
        reportCount: row.reportCount,
        article: { id: row.articleId, title: row.articleTitle },
        authorStanding: toStanding(row, standingById),
        hiddenReason: row.hiddenReason,
      }));
    const last = shown[shown.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor([last.reportCount, last.createdKey, last.id]) : null;
    return { items, nextCursor };
  }
}

function toPosition([reportCount, createdKey, id]: (string | number)[]): QueuePosition {
  return { reportCount: Number(reportCount), createdKey: String(createdKey), id: String(id) };
}

function groupReports(reports: { commentId: string; reason: QueueReportView['reason']; note: string | null; createdAt: Date }[]) {
  const byComment = new Map<string, QueueReportView[]>();
  for (const report of reports) {
    const list = byComment.get(report.commentId) ?? [];
    list.push({ reason: report.reason, note: report.note, createdAt: report.createdAt.toISOString() });
    byComment.set(report.commentId, list);
  }
  return byComment;
}

function toStanding(row: QueueRow, standings: Map<string, AuthorStandingRow>): AuthorStandingView | null {
  const standing = row.authorId ? standings.get(row.authorId) : undefined;
  if (!standing) return null;
  const suspended = standing.suspendedUntil !== null && standing.suspendedUntil.getTime() > Date.now();
  return {
    suspendedUntil: suspended ? standing.suspendedUntil!.toISOString() : null,
    suspended,
    banned: standing.bannedAt !== null,
    hiddenCommentCount: standing.hiddenCommentCount,
  };
}
