import { Injectable, OnModuleInit } from '@nestjs/common';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { AccountHooks } from '../common/hooks/account-hooks';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { UnitOfWork } from '../database/unit-of-work';
import { ProfileView } from '../users/dto/user.views';
import { UsersService } from '../users/users.service';
import { AuditLogService } from './audit-log.service';
import { ModeratorNoteView } from './dto/reader-standing.dto';
import { ModeratorNote } from './moderator-note.entity';
import { ModeratorNotesRepository } from './moderator-notes.repository';

/**
 * Moderators' notes about a reader. Writing one is a moderation action on the
 * audit log (`user.note`, naming the note but not holding its text, since the
 * log is append-only and the note goes with the reader's erasure).
 */
@Injectable()
export class ModeratorNotesService implements OnModuleInit {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly notes: ModeratorNotesRepository,
    private readonly users: UsersService,
    private readonly audit: AuditLogService,
    private readonly hooks: AccountHooks,
  ) {}

  /** Erasure: notes about the reader go; notes they wrote as a moderator stay, without an author. */
  onModuleInit(): void {
    this.hooks.onErase((userId) => this.notes.eraseFor(userId));
  }

  async create(moderator: AuthenticatedUser, subjectId: string, body: string): Promise<ModeratorNoteView> {
    const note = await this.unitOfWork.runRetried(async () => {
      // The lock order of every write: the actor's account lock first, then the row the note references.
      await this.users.lockActiveAccount(moderator.id);
      await this.users.lockActiveReferenced(subjectId);
      const created = await this.notes.insert(subjectId, moderator.id, body);
      await this.audit.record({
        actorId: moderator.id,
        action: 'user.note',
        targetType: 'user',
        targetId: subjectId,
        metadata: { noteId: created.id },
      });
      return created;
    });
    const [author] = await this.users.getProfiles([moderator.id]);
    return toNoteView(note, new Map(author ? [[author.id, author]] : []));
  }

  /** Newest first; 404 USER_NOT_FOUND for an unknown or erased reader. */
  async page(subjectId: string, query: PageQueryDto): Promise<Page<ModeratorNoteView>> {
    const after = query.cursor ? decodeCursor(query.cursor, ['timestamp', 'uuid']) : undefined;
    const subject = await this.users.findActive(subjectId);
    const rows = await this.notes.findNewestPage(subject.id, query.limit, after && { createdAt: String(after[0]), id: String(after[1]) });
    const shown = rows.slice(0, query.limit);
    const authorIds = [...new Set(shown.map((row) => row.authorId).filter((id): id is string => id !== null))];
    const authors = new Map((await this.users.getProfiles(authorIds)).map((profile) => [profile.id, profile]));
    return toPage(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id], (row) => toNoteView(row, authors));
  }
}

function toNoteView(note: ModeratorNote, authors: Map<string, ProfileView>): ModeratorNoteView {
  return {
    id: note.id,
    author: (note.authorId && authors.get(note.authorId)) || null,
    body: note.body,
    createdAt: note.createdAt.toISOString(),
  };
}
