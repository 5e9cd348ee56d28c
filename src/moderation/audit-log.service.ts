import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../common/events/domain-events';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { UsersService } from '../users/users.service';
import { ProfileView } from '../users/dto/user.views';
import { AuditLogRepository, NewAuditEntry } from './audit-log.repository';
import { AuditEntryView, SANCTION_ACTIONS, SanctionAction, SanctionView } from './dto/audit-log.views';
import { AuditTargetType, ModerationAction } from './moderation-action.entity';

/** The record of every moderation action: written with the change, read by admins. */
@Injectable()
export class AuditLogService implements OnModuleInit {
  constructor(
    private readonly entries: AuditLogRepository,
    private readonly users: UsersService,
    private readonly events: DomainEvents,
  ) {}

  /** A moderator deleting someone else's comment goes through the comments module; it is on the record all the same. */
  onModuleInit(): void {
    this.events.onInTransaction('comment.deleted', async (deletion) => {
      if (deletion.byAuthor) return;
      await this.record({ actorId: deletion.actorId, action: 'comment.delete', targetType: 'comment', targetId: deletion.commentId });
    });
  }

  /** Call inside the transaction that makes the change. */
  record(entry: NewAuditEntry): Promise<void> {
    return this.entries.append(entry);
  }

  async page(limit: number, cursor?: string): Promise<Page<AuditEntryView>> {
    const after = cursor ? toPosition(decodeCursor(cursor, ['timestamp', 'uuid'])) : undefined;
    const rows = await this.entries.findNewestPage(limit, after);
    const actors = await this.actorsOf(rows.slice(0, limit));
    return toPage(
      rows,
      limit,
      (row) => [row.createdAt.toISOString(), row.id],
      (row) => toAuditEntryView(row, actors),
    );
  }

  async forTarget(targetType: AuditTargetType, targetId: string): Promise<AuditEntryView[]> {
    const rows = await this.entries.findForTarget(targetType, targetId);
    const actors = await this.actorsOf(rows);
    return rows.map((row) => toAuditEntryView(row, actors));
  }

  /** A reader's suspensions and bans (and their lifting), newest first, at most `limit`. */
  async sanctionsOf(userId: string, limit: number): Promise<SanctionView[]> {
    const rows = await this.entries.findNewestForTarget('user', userId, SANCTION_ACTIONS, limit);
    const actors = await this.actorsOf(rows);
    return rows.map((row) => ({
      id: row.id,
      action: row.action as SanctionAction,
      reason: row.reason,
      until: row.action === 'user.suspend' && typeof row.metadata.until === 'string' ? row.metadata.until : null,
      actor: (row.actorId && actors.get(row.actorId)) || null,
      createdAt: row.createdAt.toISOString(),
    }));
  }

  /** The actors of a whole page in one query. */
  private async actorsOf(rows: ModerationAction[]): Promise<Map<string, ProfileView>> {
    const ids = [...new Set(rows.map((row) => row.actorId).filter((id): id is string => id !== null))];
    const profiles = await this.users.getProfiles(ids);
    return new Map(profiles.map((profile) => [profile.id, profile]));
  }
}

function toPosition([createdAt, id]: (string | number)[]): { createdAt: string; id: string } {
  return { createdAt: String(createdAt), id: String(id) };
}

function toAuditEntryView(row: ModerationAction, actors: Map<string, ProfileView>): AuditEntryView {
  return {
    id: row.id,
    actor: (row.actorId && actors.get(row.actorId)) || null,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    reason: row.reason,
    note: typeof row.metadata.note === 'string' ? row.metadata.note : null,
    createdAt: row.createdAt.toISOString(),
  };
}
