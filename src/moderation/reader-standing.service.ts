import { Injectable } from '@nestjs/common';
import { CommentReviewService } from '../comments/comment-review.service';
import { CommentView } from '../comments/dto/comment.views';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AccountHooks } from '../common/hooks/account-hooks';
import { Page } from '../common/pagination/cursor';
import { toProfile, UsersService } from '../users/users.service';
import { AuditLogService } from './audit-log.service';
import { ReaderCommentsQueryDto, ReaderStandingView } from './dto/reader-standing.dto';

/** How many sanctions the standing lists (newest first); the full record is the audit log. */
export const STANDING_SANCTIONS_LIMIT = 100;

/** A reader's standing for the moderators' reader drawer: who they are, what they wrote, how it went. */
@Injectable()
export class ReaderStandingService {
  constructor(
    private readonly users: UsersService,
    private readonly hooks: AccountHooks,
    private readonly review: CommentReviewService,
    private readonly audit: AuditLogService,
  ) {}

  /** 404 USER_NOT_FOUND for an unknown or erased account. */
  async standing(userId: string): Promise<ReaderStandingView> {
    const user = await this.users.findActive(userId);
    const [supporter, commentCounts, reports, sanctions] = await Promise.all([
      this.hooks.supporterStatus(user.id),
      this.review.countByStatusOfAuthor(user.id),
      this.review.countReportsAgainstAuthor(user.id),
      this.audit.sanctionsOf(user.id, STANDING_SANCTIONS_LIMIT),
    ]);
    const now = new Date();
    return {
      ...toProfile(user, supporter.active),
      email: user.email ?? '',
      emailVerified: user.emailVerifiedAt !== null,
      suspendedUntil: user.suspendedUntil && user.suspendedUntil > now ? user.suspendedUntil.toISOString() : null,
      banned: user.bannedAt !== null,
      bannedAt: user.bannedAt?.toISOString() ?? null,
      commentCounts,
      reportCount: reports.total,
      openReportCount: reports.open,
      sanctions,
    };
  }

  /** Every comment of the reader (or those in `query.status`), newest first, bodies of tombstones included. */
  async comments(moderator: AuthenticatedUser, userId: string, query: ReaderCommentsQueryDto): Promise<Page<CommentView>> {
    const user = await this.users.findActive(userId);
    return this.review.authorCommentsPage(user.id, query.status, query, moderator);
  }
}
