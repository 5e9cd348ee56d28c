import { UnitOfWork } from '../database/unit-of-work';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { articleNotFound, ArticlesService, isArticleId } from '../articles/articles.service';
import { AuthenticatedUser } from '../common/auth/authenticated-user';
import { isStaff } from '../common/auth/role';
import { AppError } from '../common/errors/app-error';
import { AccountHooks } from '../common/hooks/account-hooks';
import { CommentPolicy, InitialStatus, NewCommentFacts, Screening, ScreeningOutdated } from '../common/hooks/comment-policy';
import { DomainEvents } from '../common/events/domain-events';
import { SerializedPage } from '../common/cache/serialized-page';
import { ThreadCache } from '../common/cache/thread-cache';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { UsersService } from '../users/users.service';
import { assertCanSee, canSee, canSeeBody } from './comment-access';
import { CommentCountersService, countsAsVisible } from './comment-counters.service';
import { cursorOf, decodeSortCursor, encodeSortCursor, KeyedRow, ThreadSort } from './comment-sorts';
import { CommentVersion } from './comment-version.entity';
import { Comment, CommentStatus } from './comment.entity';
import { CommentsRepository, HydratedRow, PickPosition, PostAttempt, ReaderScope } from './comments.repository';
import { CreateCommentDto, ThreadQueryDto, UpdateCommentDto } from './dto/comment.dto';
import { CommentView, CommentWithContextView, PickView, ThreadCommentView } from './dto/comment.views';
import { isUuid } from '../common/validation/uuid';
import { acceptedComment, assertEditable, assertNotAnswered, assertPostNotRefused, deletionNeeded, DUPLICATE_WINDOW_MINUTES } from './posting-rules';

export const REPLIES_PREVIEW_SIZE = 3;
/** Screenings of one post when the settings keep changing under it (each change is rare: an admin's edit). */
const MAX_SCREENINGS = 3;
/** Comment → article pairs kept for the replies cache (about 100 bytes each); past this the map starts again. */
const MAX_REMEMBERED_COMMENT_ARTICLES = 50_000;


/** What keys a cached first page: validated, so every spelling of one query is one key. */
export interface PublicFirstPageQuery {
  sort: ThreadSort;
  limit: number;
}

export interface StatusChange {
  before: Comment;
  after: Comment;
}

@Injectable()
export class CommentsService implements OnModuleInit {
  /** The moderation settings stamp (opaque, `moderation_posting_context()`) the last post on this instance was checked under. */
  private lastPolicyContext: unknown = undefined;
  /** Comment id → its article, for the cached replies pages (a comment never moves to another article). */
  private readonly commentArticles = new Map<string, string>();

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly comments: CommentsRepository,
    private readonly articles: ArticlesService,
    private readonly users: UsersService,
    private readonly counters: CommentCountersService,
    private readonly accountHooks: AccountHooks,
    private readonly policy: CommentPolicy,
    private readonly events: DomainEvents,
    private readonly threadCache: ThreadCache,
  ) {}

  onModuleInit(): void {
    this.accountHooks.onEraseLock((userId) => this.comments.lockArticlesOfAuthor(userId));
    this.accountHooks.onErase((userId) => this.eraseAuthor(userId));
  }

  // ── Reading ────────────────────────────────────────────────────────────

  /**
   * Views of many comments in a fixed number of queries, in the order of `ids`;
   * those the viewer may not see are left out, tombstone bodies are withheld.
   */
  async viewsByIds(ids: string[], viewer?: AuthenticatedUser): Promise<CommentView[]> {
    const unique = [...new Set(ids.filter((id) => isUuid(id)))];
    const rows = await this.comments.hydrate(unique, viewer?.id ?? null);
    const authorIds = rows.filter((row) => row.authorId && !row.authorErased).map((row) => row.authorId as string);
    const supporters = await this.accountHooks.supporterStatuses(authorIds);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids
      .map((id) => byId.get(id))
      .filter((row): row is HydratedRow => row !== undefined && canSee(row, viewer))
      .map((row) => toCommentView(row, viewer, supporters.get(row.authorId ?? '')?.active ?? false));
  }

  /** Like viewsByIds, with each `replyCount` as this viewer sees it (a staff page of any statuses). */
  async viewsForStaff(ids: string[], viewer: AuthenticatedUser): Promise<CommentView[]> {
    return this.withViewerReplyCounts(await this.viewsByIds(ids, viewer), await this.scopeOf(viewer));
  }

  /** The `comment` view, or 404 COMMENT_NOT_FOUND when the viewer may not see it. */
  async getComment(id: string, viewer?: AuthenticatedUser): Promise<CommentView> {
    const [view] = await this.viewsByIds([id], viewer);
    if (!view) throw notFound();
    const [counted] = await this.withViewerReplyCounts([view], await this.scopeOf(viewer));
    return counted;
  }

  /** The comment plus the cursor of the oldest-first page that starts with it (deep links). */
  async getCommentWithContext(id: string, viewer?: AuthenticatedUser): Promise<CommentWithContextView> {
    const comment = assertCanSee(await this.comments.findByIdIfUuid(id), viewer);
    const [view, preceding] = await Promise.all([this.getComment(id, viewer), this.comments.findPrecedingRow(comment)]);
    return {
      ...view,
      context: { rootId: comment.rootId, sort: 'oldest', cursor: preceding ? encodeSortCursor('oldest', preceding) : null },
    };
  }

  /**
   * A page of top-level comments, each with its first descendants. The first
   * page is shared: anonymous readers get it serialized as it is cached; a
   * signed-in reader gets it plus their reactions when nothing else on it
   * depends on who they are (one query); otherwise, and for staff, it is read
   * fresh in a fixed number of queries.
   */
  async listThread(articleId: string, query: ThreadQueryDto, viewer?: AuthenticatedUser): Promise<Page<ThreadCommentView> | SerializedPage> {
    if (!query.cursor && !viewer) return this.publicFirstPage(articleId, query);
    if (viewer && !isStaff(viewer.role) && !query.cursor) {
      const personalised = await this.personalisedFirstPage(articleId, query, viewer);
      if (personalised) return personalised;
    }
    return this.readThread(articleId, query, viewer);
  }

  /** The first page as an anonymous reader sees it, built once per article version for everyone asking. */
  publicFirstPage(articleId: string, query: PublicFirstPageQuery): Promise<SerializedPage> {
    const { sort, limit } = query;
    return this.threadCache.page(articleId, `${sort}:${limit}`, () => this.readThread(articleId, { sort, limit }));
  }

  private async personalisedFirstPage(
    articleId: string,
    query: ThreadQueryDto,
    viewer: AuthenticatedUser,
  ): Promise<Page<ThreadCommentView> | SerializedPage | null> {
    const serialized = await this.publicFirstPage(articleId, query);
    const publicPage = serialized.parsed<Page<ThreadCommentView>>();
    const ids = publicPage.items.flatMap((item) => [item.id, ...item.replies.map((reply) => reply.id)]);
    const stance = await this.comments.findViewerStance(articleId, viewer.id, ids);
    if (stance.ignoresSomeone || stance.hasUnlistedOwnComments) return null;
    // Nothing on the page is theirs to mark: the page is the public one, byte for byte, already serialized.
    if (stance.reactedIds.length === 0) return serialized;
    const reacted = new Set(stance.reactedIds);
    const mark = <T extends CommentView>(view: T): T => (reacted.has(view.id) ? { ...view, viewerReacted: true } : view);
    return {
      items: publicPage.items.map((item) => ({ ...mark(item), replies: item.replies.map(mark) })),
      nextCursor: publicPage.nextCursor,
    };
  }

  private async readThread(articleId: string, query: PublicFirstPageQuery & { cursor?: string }, viewer?: AuthenticatedUser): Promise<Page<ThreadCommentView>> {
    const after = decodeSortCursor(query.sort, query.cursor);
    await this.articles.findOrFail(articleId);
    const scope = await this.scopeOf(viewer);
    const rows = await this.comments.findTopLevelPage(articleId, query.sort, after, query.limit, scope);
    const shownIds = rows.slice(0, query.limit).map((row) => row.id);
    const firstReplies = await this.comments.findFirstReplies(shownIds, REPLIES_PREVIEW_SIZE, scope);
    const views = await this.withViewerReplyCounts(await this.viewsByIds([...shownIds, ...firstReplies.map((reply) => reply.id)], viewer), scope);
    const viewById = new Map(views.map((view) => [view.id, view]));
    const repliesByRoot = new Map<string, CommentView[]>();
    for (const reply of firstReplies) {
      const view = viewById.get(reply.id);
      if (view) repliesByRoot.set(reply.rootId, [...(repliesByRoot.get(reply.rootId) ?? []), view]);
    }
    const page = toPage(rows, query.limit, cursorOf(query.sort), (row) => row.id);
    return {
      items: page.items
        .filter((id) => viewById.has(id))
        .map((id) => ({ ...(viewById.get(id) as CommentView), replies: repliesByRoot.get(id) ?? [] })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * All descendants of a top-level comment (or of the thread a reply belongs to), oldest first. The first page as
   * an anonymous reader sees it is cached like a thread's first pages (publicRepliesPage).
   */
  async listReplies(id: string, query: PageQueryDto, viewer?: AuthenticatedUser): Promise<Page<CommentView> | SerializedPage> {
    if (!viewer && !query.cursor) return this.publicRepliesPage(id, query.limit);
    return this.readReplies(id, query, viewer);
  }

  /**
   * The first replies page of comment `id` as an anonymous reader sees it, built once per version of its article
   * for everyone asking: every write that changes what the page shows (a reply posted, edited, recommended,
   * moderated, erased) is a write to that article, which moves its version.
   */
  async publicRepliesPage(id: string, limit: number): Promise<SerializedPage> {
    const articleId = await this.articleOfComment(id);
    return this.threadCache.page(articleId, `replies:${id}:${limit}`, () => this.readReplies(id, { limit }));
  }

  /** The article a comment belongs to (which never changes, so it is remembered); 404 when there is no such comment. */
  private async articleOfComment(id: string): Promise<string> {
    const known = this.commentArticles.get(id);
    if (known !== undefined) return known;
    const articleId = isUuid(id) ? await this.comments.findArticleId(id) : null;
    if (articleId === null) throw notFound();
    if (this.commentArticles.size >= MAX_REMEMBERED_COMMENT_ARTICLES) this.commentArticles.clear();
    this.commentArticles.set(id, articleId);
    return articleId;
  }

  private async readReplies(id: string, query: PageQueryDto, viewer?: AuthenticatedUser): Promise<Page<CommentView>> {
    const after = decodeSortCursor('oldest', query.cursor);
    const comment = assertCanSee(await this.comments.findByIdIfUuid(id), viewer);
    const scope = await this.scopeOf(viewer);
    const rows = await this.comments.findRepliesPage(comment.rootId ?? comment.id, after, query.limit, scope);
    return this.hydratePage(rows, query.limit, 'oldest', scope, viewer);
  }

  /** A reader's visible comments, newest first; empty when the viewer ignores that reader. */
  async listByAuthor(userId: string, query: PageQueryDto, viewer?: AuthenticatedUser): Promise<Page<CommentView>> {
    const after = decodeSortCursor('newest', query.cursor);
    await this.users.findActive(userId);
    const scope = await this.scopeOf(viewer);
    if (scope.ignoredIds.includes(userId)) return { items: [], nextCursor: null };
    const rows = await this.comments.findVisibleByAuthorPage(userId, after, query.limit);
    return this.hydratePage(rows, query.limit, 'newest', scope, viewer);
  }

  /**
   * A page of the article's picks (featured comments, top-level or replies),
   * most recently featured first. The first page as an anonymous reader sees
   * it is cached like the thread's first pages, under the same article version
   * (featuring, unfeaturing, hiding and deleting all move it); a signed-in
   * reader's page is read fresh (their reactions, their ignores).
   */
  async listPicks(articleId: string, query: PageQueryDto, viewer?: AuthenticatedUser): Promise<Page<PickView> | SerializedPage> {
    const after = decodePickCursor(query.cursor);
    if (!after && !viewer) {
      if (!isArticleId(articleId)) throw articleNotFound();
      return this.threadCache.page(articleId, `picks:${query.limit}`, () => this.readPicks(articleId, query.limit));
    }
    return this.readPicks(articleId, query.limit, after, viewer);
  }

  private async readPicks(articleId: string, limit: number, after?: PickPosition, viewer?: AuthenticatedUser): Promise<Page<PickView>> {
    await this.articles.findOrFail(articleId);
    const scope = await this.scopeOf(viewer);
    const rows = await this.comments.findPicksPage(articleId, after, limit, scope.ignoredIds);
    const page = toPage(rows, limit, (row) => [row.featuredKey, row.id], (row) => row);
    const views = await this.withViewerReplyCounts(await this.viewsByIds(page.items.map((row) => row.id), viewer), scope);
    const featuredAt = new Map(page.items.map((row) => [row.id, row.featuredKey]));
    return {
      items: views.map((view) => ({ ...view, featuredAt: new Date(featuredAt.get(view.id) as string).toISOString() })),
      nextCursor: page.nextCursor,
    };
  }

  // ── Writing ────────────────────────────────────────────────────────────

  /**
   * Screens the comment first (word lists, links and the external moderation hook, which may take its timeout),
   * holding no lock or connection, then posts it in one transaction. Settings changed in between: screened again.
   */
  async post(articleId: string, input: CreateCommentDto, author: AuthenticatedUser): Promise<CommentView> {
    if (!isArticleId(articleId)) throw articleNotFound();
    const facts = { authorId: author.id, authorRole: author.role, articleId, body: input.body, parentId: input.parentId ?? null };
    let screening = await this.policy.screen(facts);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { comment, authorIsSupporter } = await this.insertScreened(facts, screening, author);
        return toCommentView(comment, author, authorIsSupporter);
      } catch (error) {
        if (!(error instanceof ScreeningOutdated) || attempt >= MAX_SCREENINGS) throw error;
        screening = await this.policy.screen(facts, error.version);
      }
    }
  }

  private insertScreened(facts: NewCommentFacts, screening: Screening, author: AuthenticatedUser): Promise<{ comment: HydratedRow; authorIsSupporter: boolean }> {
    const { articleId } = facts;
    return this.unitOfWork.runRetried(async () => {
      let expected = await this.expectedStatus(facts, screening);
      let attempt: PostAttempt | null = null;
      for (let stamps = 1; attempt === null; stamps += 1) {
        const outcome = await this.comments.post(
          { articleId, authorId: author.id, parentId: facts.parentId, body: facts.body, status: expected?.initial.status ?? 'visible', systemReport: expected?.initial.systemReport ?? null },
          DUPLICATE_WINDOW_MINUTES,
          expected?.context ?? null,
        );
        assertPostNotRefused(outcome);
        if (outcome.outcome === 'attempted') {
          attempt = outcome.attempt;
          break;
        }
        // Nothing was written: the settings stamp under the locks is not the one the status was worked out for.
        if (stamps >= MAX_SCREENINGS) throw new Error('The moderation settings kept changing while the comment was posted');
        this.lastPolicyContext = outcome.policyContext;
        // Throws ScreeningOutdated when the screening itself is older: rolled back, screened again by post().
        expected = { context: outcome.policyContext, initial: await this.policy.initialStatus(facts, { context: outcome.policyContext }, screening) };
      }
      const created = acceptedComment(attempt, facts.parentId, articleId, author);
      const status = created.status as 'visible' | 'pending';
      await this.events.publish('thread.changed', { articleId });
      await this.events.publish(
        'comment.created',
        {
          commentId: created.id,
          articleId,
          authorId: author.id,
          parentId: created.parentId,
          parentAuthorId: attempt.parent?.authorId ?? null,
          rootId: created.rootId,
          status,
        },
      );
      return { comment: created, authorIsSupporter: attempt.authorIsSupporter };
    });
  }

  /**
   * The initial status for the settings stamp the last post on this instance saw (the posting statement checks it is
   * still the current one, so the rule's reading costs no round trip of its own); null when there is none yet, or when
   * the screening followed newer settings than that stamp (then the statement answers with the current one).
   */
  private async expectedStatus(facts: NewCommentFacts, screening: Screening): Promise<{ context: unknown; initial: InitialStatus } | null> {
    const context = this.lastPolicyContext;
    if (context === undefined) return null;
    try {
      return { context, initial: await this.policy.initialStatus(facts, { context }, screening) };
    } catch (error) {
      if (error instanceof ScreeningOutdated) return null;
      throw error;
    }
  }

  async edit(id: string, input: UpdateCommentDto, author: AuthenticatedUser): Promise<CommentView> {
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(author.id);
      // FOR UPDATE also conflicts with the key-share lock a new reply takes on its parent, so "never once answered" holds.
      const comment = assertCanSee(isUuid(id) ? await this.comments.lockById(id) : null, author);
      assertEditable(comment, author);
      assertNotAnswered(await this.comments.hasReplies(comment.id));
      await this.comments.replaceBody(comment, input.body);
      await this.events.publish('thread.changed', { articleId: comment.articleId });
      await this.events.publish('comment.edited', { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId });
    });
    return this.getComment(id, author);
  }

  /** The author or a moderator turns the comment into a `deleted` tombstone; deleting twice is a no-op. */
  async delete(id: string, actor: AuthenticatedUser): Promise<void> {
    await this.unitOfWork.runRetried(async () => {
      await this.users.lockActiveAccount(actor.id);
      const comment = assertCanSee(await this.comments.findByIdIfUuid(id), actor);
      if (!deletionNeeded(comment, actor)) return;
      await this.setStatus(id, 'deleted');
      await this.events.publish(
        'comment.deleted',
        { commentId: comment.id, articleId: comment.articleId, authorId: comment.authorId, actorId: actor.id, byAuthor: comment.authorId === actor.id },
      );
    });
  }

  // ── Moderation primitives (used by the moderation module) ──────────────

  /** The stored comment whatever its status, or 404 COMMENT_NOT_FOUND. */
  async findById(id: string): Promise<Comment> {
    const comment = isUuid(id) ? await this.comments.findById(id) : null;
    if (!comment) throw notFound();
    return comment;
  }

  /**
   * Changes a comment's status under a row lock and moves the visible counters
   * when it starts or stops counting. Call inside a transaction. Locks the
   * article row first, then the comment (the order posting uses too), so do
   * not hold the comment's row lock before calling it.
   */
  async setStatus(
    commentId: string,
    status: CommentStatus,
    options: { hiddenReason?: string | null } = {},
  ): Promise<StatusChange> {
    const stored = await this.comments.findByIdIfUuid(commentId);
    if (!stored) throw notFound();
    await this.articles.lockForCommentWrite(stored.articleId);
    const before = (await this.comments.lockById(commentId)) as Comment;
    const hiddenReason = status === 'hidden' ? (options.hiddenReason ?? before.hiddenReason) : null;
    await this.comments.updateStatus(commentId, status, hiddenReason);
    const wasCounted = countsAsVisible(before.status);
    const isCounted = countsAsVisible(status);
    if (wasCounted !== isCounted) await this.counters.applyVisibilityChange(before, isCounted ? 1 : -1);
    await this.events.publish('thread.changed', { articleId: stored.articleId });
    if (before.status !== status) {
      await this.events.publish('comment.statusChanged', {
        commentId,
        articleId: stored.articleId,
        authorId: before.authorId,
        from: before.status,
        to: status,
        openReports: before.openReportCount,
      });
    }
    const after = (await this.comments.findById(commentId)) as Comment;
    return { before, after };
  }

  /** Sets the featured flag inside the caller's transaction; the thread's cached pages go when it commits. */
  async setFeatured(commentId: string, featured: boolean): Promise<Comment> {
    const comment = await this.findById(commentId);
    await this.comments.setFeatured(commentId, featured);
    await this.events.publish('thread.changed', { articleId: comment.articleId });
    await this.events.publish('comment.featured', { commentId, articleId: comment.articleId, authorId: comment.authorId, featured });
    return { ...comment, featured };
  }

  /** Resolves every open report of the comment and zeroes its open report count; returns how many. */
  async resolveOpenReports(comment: Pick<Comment, 'id' | 'articleId'>): Promise<number> {
    const resolved = await this.comments.resolveOpenReports(comment.id);
    if (resolved > 0) await this.events.publish('comment.reportsResolved', { commentId: comment.id, articleId: comment.articleId, resolved });
    return resolved;
  }

  /** Earlier bodies, oldest first (bodies are null once the author's account is erased). */
  listVersions(commentId: string): Promise<CommentVersion[]> {
    return this.comments.listVersions(commentId);
  }

  // ── Internals ──────────────────────────────────────────────────────────

  private async scopeOf(viewer: AuthenticatedUser | undefined): Promise<ReaderScope> {
    return {
      viewerId: viewer?.id ?? null,
      staff: isStaff(viewer?.role),
      ignoredIds: await this.accountHooks.ignoredUserIds(viewer?.id),
    };
  }

  private async hydratePage(
    rows: KeyedRow[],
    limit: number,
    sort: 'oldest' | 'newest',
    scope: ReaderScope,
    viewer?: AuthenticatedUser,
  ): Promise<Page<CommentView>> {
    const page = toPage(rows, limit, cursorOf(sort), (row) => row.id);
    return { items: await this.withViewerReplyCounts(await this.viewsByIds(page.items, viewer), scope), nextCursor: page.nextCursor };
  }

  /**
   * `replyCount` as this viewer would see it. The stored counter is what an
   * anonymous reader sees (so the cached public pages use it as it is); a
   * signed-in reader may see fewer descendants (authors they ignore) or more
   * (pending ones: their own, or every one for staff), which one aggregate query
   * over the shown comments corrects, whatever the page holds.
   */
  private async withViewerReplyCounts<T extends CommentView>(views: T[], scope: ReaderScope): Promise<T[]> {
    if (scope.viewerId === null || views.length === 0) return views;
    const adjustments = await this.comments.findReplyCountAdjustments(views, scope);
    if (adjustments.size === 0) return views;
    return views.map((view) => {
      const delta = adjustments.get(view.id);
      return delta ? { ...view, replyCount: view.replyCount + delta } : view;
    });
  }

  /** Erasure: the reader's comments stop counting and stay as authorless, bodiless tombstones; their report notes go. */
  private async eraseAuthor(userId: string): Promise<void> {
    for (const comment of await this.comments.findCountedByAuthor(userId)) {
      await this.counters.applyVisibilityChange(comment, -1);
    }
    for (const articleId of await this.comments.findArticleIdsByAuthor(userId)) {
      await this.events.publish('thread.changed', { articleId });
    }
    await this.comments.eraseAuthoredContent(userId);
    await this.comments.redactReportsBy(userId);
  }
}

function decodePickCursor(cursor: string | undefined): PickPosition | undefined {
  if (cursor === undefined) return undefined;
  const [featuredKey, id] = decodeCursor(cursor, ['timestamp', 'uuid']) as [string, string];
  return { featuredKey, id };
}

function notFound(): AppError {
  return new AppError('COMMENT_NOT_FOUND', 'No comment has this id');
}

function toCommentView(row: HydratedRow, viewer: AuthenticatedUser | undefined, isSupporter: boolean): CommentView {
  const hasAuthor = row.authorId !== null && !row.authorErased;
  return {
    id: row.id,
    articleId: row.articleId,
    parentId: row.parentId,
    rootId: row.rootId,
    depth: row.depth,
    body: canSeeBody(row, viewer) ? row.body : null,
    status: row.status,
    author: hasAuthor
      ? { id: row.authorId as string, displayName: row.authorDisplayName ?? '', role: row.authorRole ?? 'reader', isSupporter }
      : null,
    inReplyTo: row.parentId ? { commentId: row.parentId, authorDisplayName: row.parentAuthorDisplayName } : null,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt ? row.editedAt.toISOString() : null,
    replyCount: row.replyCount,
    reactionCount: row.reactionCount,
    viewerReacted: row.viewerReacted,
    featured: row.featured,
  };
}
