import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, type Connection, type Schemas, type User, unwrap } from '../api/connection';
import { articleLiveUrl, type CommentUpdate, eventData, liveTicket, type ReactionsUpdate } from '../api/live';
import { exchangeSsoToken, isMissing } from '../api/pending';
import { messageFor } from '../api/problems';
import { Inbox, ProfilePanel, SignIn } from './account';
import { AppealBox } from './appeal';
import { type Comment, Composer, type ThreadActions, type ThreadComment, TopLevel } from './thread';

type Sort = 'newest' | 'oldest' | 'top' | 'replies';
type Article = Schemas['ArticleView'];
type Appeal = Schemas['AppealView'];
type View = { name: 'thread' } | { name: 'signin' } | { name: 'inbox' } | { name: 'profile'; userId: string };

const SORT_LABELS: Record<Sort, string> = { newest: 'Newest', oldest: 'Oldest', top: 'Most recommended', replies: 'Most replies' };
const DEEP_LINK = /^#margin-comment-([0-9a-fA-F-]{36})$/;

export interface EmbedProps {
  connection: Connection;
  articleId: string;
  initialSort: Sort;
  ssoToken?: string;
  pollSeconds: number;
  currency?: string;
  host: HTMLElement;
}

function mapComments(items: ThreadComment[], id: string, change: (comment: Comment) => Comment): ThreadComment[] {
  return items.map((item) => {
    const top = item.id === id ? ({ ...item, ...change(item) } as ThreadComment) : item;
    const replies = top.replies.some((reply) => reply.id === id) ? top.replies.map((reply) => (reply.id === id ? change(reply) : reply)) : top.replies;
    return replies === top.replies ? top : { ...top, replies };
  });
}

export function EmbedApp(props: EmbedProps) {
  const { connection, articleId } = props;
  const { api } = connection;
  const [user, setUser] = useState<User | null>(connection.user);
  const [article, setArticle] = useState<Article | null>(null);
  const [appeal, setAppeal] = useState<Appeal | null>(null);
  const [sort, setSort] = useState<Sort>(props.initialSort);
  const [items, setItems] = useState<ThreadComment[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [view, setView] = useState<View>({ name: 'thread' });
  const [fresh, setFresh] = useState<string[]>([]);
  const [linked, setLinked] = useState<string | undefined>();
  const [ssoFailed, setSsoFailed] = useState(false);
  const known = useRef(new Set<string>());
  // Only the latest page asked for is shown: an older answer arriving late (a quick change of sort) is dropped.
  const latestPage = useRef(0);
  const pageInFlight = useRef(false);
  const root = props.host.shadowRoot;

  const remember = (list: Array<Comment | ThreadComment>) => {
    for (const comment of list) {
      known.current.add(comment.id);
      if ('replies' in comment) for (const reply of comment.replies) known.current.add(reply.id);
    }
  };

  const fail = (error: unknown) => {
    setNotice(null);
    setProblem(messageFor(error));
    if (error instanceof ApiProblem && error.code === 'UNAUTHENTICATED') void connection.signOut();
    return false;
  };

  const loadPage = useCallback(
    async (wantedSort: Sort, cursor?: string | null, append = false) => {
      const request = ++latestPage.current;
      pageInFlight.current = true;
      setLoading(true);
      try {
        const page = await unwrap(
          api.GET('/api/v1/articles/{articleId}/comments', { params: { path: { articleId }, query: { sort: wantedSort, limit: 20, ...(cursor ? { cursor } : {}) } } }),
        );
        if (request !== latestPage.current) return;
        remember(page.items);
        setItems((current) => (append ? [...current, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
        if (!append) setFresh([]);
      } catch (error) {
        if (request === latestPage.current) fail(error);
      } finally {
        if (request === latestPage.current) {
          pageInFlight.current = false;
          setLoading(false);
        }
      }
    },
    [articleId, user?.id],
  );

  // The session: an sso-token from the newsroom is exchanged once, and every change re-renders.
  useEffect(() => connection.onChange(() => setUser(connection.user)), [connection]);
  useEffect(() => {
    if (!props.ssoToken) return;
    setSsoFailed(false);
    exchangeSsoToken(connection, props.ssoToken).then(
      (result) => connection.signedIn(result),
      (error: unknown) => {
        // Where the server has no newsroom sign-in, the reader can still use a comments account.
        setSsoFailed(true);
        fail(isMissing(error) ? new ApiProblem(404, 'SSO_NOT_CONFIGURED', '') : error);
      },
    );
  }, [props.ssoToken]);

  useEffect(() => {
    unwrap(api.GET('/api/v1/articles/{articleId}', { params: { path: { articleId } } })).then(setArticle, fail);
    unwrap(api.GET('/api/v1/articles/{articleId}/appeal', { params: { path: { articleId } } })).then(
      (found) => setAppeal(found.donationsEnabled === false ? null : found),
      () => setAppeal(null),
    );
  }, [articleId]);

  // A deep link (#margin-comment-<id>) opens the page of the thread that holds the comment.
  const openDeepLink = useCallback(async () => {
    const match = DEEP_LINK.exec(location.hash);
    if (!match) return false;
    const id = match[1];
    try {
      const target = await unwrap(api.GET('/api/v1/comments/{id}', { params: { path: { id } } }));
      const { context } = target;
      if (!target.parentId) {
        const page = await unwrap(
          api.GET('/api/v1/articles/{articleId}/comments', {
            params: { path: { articleId: target.articleId }, query: { sort: 'oldest', limit: 20, ...(context.cursor ? { cursor: context.cursor } : {}) } },
          }),
        );
        remember(page.items);
        setSort('oldest');
        setItems(page.items);
        setNextCursor(page.nextCursor);
      } else {
        const rootId = context.rootId ?? target.rootId ?? target.id;
        const rootComment = await unwrap(api.GET('/api/v1/comments/{id}', { params: { path: { id: rootId } } }));
        const replies = await unwrap(
          api.GET('/api/v1/comments/{id}/replies', { params: { path: { id: rootId }, query: { limit: 50, ...(context.cursor ? { cursor: context.cursor } : {}) } } }),
        );
        const thread: ThreadComment = { ...rootComment, replies: replies.items, repliesCursor: replies.nextCursor, repliesLoaded: true };
        remember([thread]);
        setItems([thread]);
        setNextCursor(null);
        setNotice('Showing the conversation you followed a link to.');
      }
      setLinked(id);
      setLoading(false);
      return true;
    } catch (error) {
      fail(error);
      return false;
    }
  }, [articleId]);

  useEffect(() => {
    void openDeepLink().then((opened) => {
      if (!opened) void loadPage(sort);
    });
    const onHash = () => void openDeepLink();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [articleId, user?.id]);

  useEffect(() => {
    if (!linked) return;
    const element = root?.getElementById(`margin-comment-${linked}`);
    if (element) {
      element.scrollIntoView({ block: 'center' });
      element.focus({ preventScroll: true });
    }
  }, [linked, items]);

  // Live updates: the article's event stream (with a ticket when signed in, asked for on every connection).
  // New comments wait behind the "N new comments" button. A stream that cannot be opened at all (too many
  // streams, a proxy that does not pass event streams) leaves a poll of the newest page every poll-seconds.
  useEffect(() => {
    let source: EventSource | null = null;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const arrived = (comment: Comment) => {
      if (known.current.has(comment.id)) return;
      known.current.add(comment.id);
      setFresh((current) => (current.includes(comment.id) ? current : [...current, comment.id]));
    };
    const poll = async () => {
      const { data } = await api.GET('/api/v1/articles/{articleId}/comments', { params: { path: { articleId }, query: { sort: 'newest', limit: 20 } } }).catch(() => ({ data: undefined }));
      for (const comment of data?.items ?? []) arrived(comment);
    };
    const startPolling = () => {
      if (!stopped && !pollTimer) pollTimer = setInterval(() => void poll(), props.pollSeconds * 1000);
    };
    const connect = async () => {
      let ticket: string | undefined;
      if (connection.session) ticket = await liveTicket(connection).catch(() => undefined);
      if (stopped) return;
      if (typeof EventSource === 'undefined') return startPolling();
      let opened = false;
      source = new EventSource(articleLiveUrl(connection, articleId, ticket));
      source.addEventListener('open', () => (opened = true));
      source.addEventListener('comment.created', (event) => arrived(eventData<Comment>(event)));
      source.addEventListener('comment.updated', (event) => {
        const update = eventData<CommentUpdate>(event);
        setItems((current) => mapComments(current, update.id, (comment) => ({ ...comment, ...update, body: update.body ?? (comment.author?.id === connection.user?.id ? comment.body : null) })));
      });
      source.addEventListener('comment.reactions', (event) => {
        const update = eventData<ReactionsUpdate>(event);
        setItems((current) => mapComments(current, update.id, (comment) => ({ ...comment, reactionCount: update.reactionCount })));
      });
      source.addEventListener('reset', () => setNotice('New activity: reload the comments to catch up.'));
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        source = null;
        // A stream that worked and dropped reconnects with a new ticket (a ticket is single use); one that never opened leaves the poll.
        if (opened && !stopped) retryTimer = setTimeout(() => void connect(), 3000);
        else startPolling();
      });
    };
    void connect();
    return () => {
      stopped = true;
      source?.close();
      clearInterval(pollTimer);
      clearTimeout(retryTimer);
    };
  }, [articleId, user?.id]);

  const actions: ThreadActions = {
    user,
    commentsOpen: article?.commentsOpen ?? true,
    requireSignIn: () => setView({ name: 'signin' }),
    openProfile: (userId) => setView({ name: 'profile', userId }),
    async post(body, parent) {
      setProblem(null);
      try {
        const created = await unwrap(api.POST('/api/v1/articles/{articleId}/comments', { params: { path: { articleId } }, body: { body, ...(parent ? { parentId: parent.id } : {}) } }));
        known.current.add(created.id);
        // The stream may have brought this very comment before this answer did: it is not new to its author.
        setFresh((current) => current.filter((freshId) => freshId !== created.id));
        // A page asked for before this post (the reload on signing in) would come back without it: ask again.
        if (pageInFlight.current) void loadPage(sort);
        if (parent) {
          const rootId = parent.rootId ?? parent.id;
          setItems((current) => current.map((item) => (item.id === rootId ? { ...item, replies: [...item.replies, created], replyCount: item.replyCount + 1 } : item)));
        } else {
          setItems((current) => [{ ...created, replies: [] }, ...current]);
        }
        setNotice(created.status === 'pending' ? 'Thanks! Your comment will appear once a moderator approves it.' : null);
        if (created.status === 'visible') setArticle((current) => current && { ...current, commentCount: current.commentCount + 1 });
        return true;
      } catch (error) {
        return fail(error);
      }
    },
    async edit(comment, body) {
      try {
        const updated = await unwrap(api.PATCH('/api/v1/comments/{id}', { params: { path: { id: comment.id } }, body: { body } }));
        setItems((current) => mapComments(current, comment.id, (old) => ({ ...old, ...updated })));
        return true;
      } catch (error) {
        return fail(error);
      }
    },
    async remove(comment) {
      try {
        await unwrap(api.DELETE('/api/v1/comments/{id}', { params: { path: { id: comment.id } } }));
        setItems((current) => mapComments(current, comment.id, (old) => ({ ...old, status: 'deleted', body: null })));
        return true;
      } catch (error) {
        return fail(error);
      }
    },
    async react(comment) {
      const path = { params: { path: { id: comment.id } } };
      try {
        await unwrap(comment.viewerReacted ? api.DELETE('/api/v1/comments/{id}/reaction', path) : api.PUT('/api/v1/comments/{id}/reaction', path));
        setItems((current) =>
          mapComments(current, comment.id, (old) => ({ ...old, viewerReacted: !old.viewerReacted, reactionCount: old.reactionCount + (old.viewerReacted ? -1 : 1) })),
        );
        return true;
      } catch (error) {
        return fail(error);
      }
    },
    async report(comment, reason, note) {
      try {
        const body = { reason: reason as 'spam', ...(note.trim() ? { note } : {}) };
        await unwrap(api.POST('/api/v1/comments/{id}/reports', { params: { path: { id: comment.id } }, body }));
        setProblem(null);
        setNotice('Thank you: the moderators will look at this comment.');
        return true;
      } catch (error) {
        return fail(error);
      }
    },
    async moreReplies(rootComment) {
      try {
        const cursor = rootComment.repliesLoaded ? rootComment.repliesCursor : undefined;
        const page = await unwrap(api.GET('/api/v1/comments/{id}/replies', { params: { path: { id: rootComment.id }, query: { limit: 50, ...(cursor ? { cursor } : {}) } } }));
        remember(page.items);
        setItems((current) =>
          current.map((item) =>
            item.id === rootComment.id
              ? { ...item, replies: rootComment.repliesLoaded ? [...item.replies, ...page.items] : page.items, repliesCursor: page.nextCursor, repliesLoaded: true }
              : item,
          ),
        );
      } catch (error) {
        fail(error);
      }
    },
  };

  const showFresh = () => {
    setLinked(undefined);
    if (location.hash.startsWith('#margin-comment-')) history.replaceState(null, '', location.pathname + location.search);
    setSort('newest');
    void loadPage('newest');
    props.host.scrollIntoView({ block: 'start' });
  };

  const unread = user?.unreadNotifications ?? 0;
  return (
    <div class="margin" lang="en">
      {appeal && view.name === 'thread' && <AppealBox connection={connection} appeal={appeal} articleId={articleId} currency={props.currency} />}
      <section aria-label="Comments">
        <div class="row" style="justify-content:space-between;margin-bottom:.5em">
          <h2>
            Comments{article ? ` (${article.commentCount})` : ''}
          </h2>
          <div class="row">
            {user ? (
              <>
                <span class="muted">Signed in as {user.displayName}</span>
                <button type="button" onClick={() => setView(view.name === 'inbox' ? { name: 'thread' } : { name: 'inbox' })} aria-pressed={view.name === 'inbox'}>
                  Notifications{unread > 0 ? ` (${unread} unread)` : ''}
                </button>
                <button type="button" class="link" onClick={() => void connection.signOut()}>
                  Sign out
                </button>
              </>
            ) : (
              (!props.ssoToken || ssoFailed) && (
                <button type="button" class="primary" onClick={() => setView({ name: 'signin' })}>
                  Sign in or register
                </button>
              )
            )}
          </div>
        </div>
        <div aria-live="polite">
          {problem && (
            <p class="message" role="alert">
              {problem}
            </p>
          )}
          {notice && <p class="notice">{notice}</p>}
        </div>
        {view.name === 'signin' && <SignIn connection={connection} onDone={() => setView({ name: 'thread' })} />}
        {view.name === 'profile' && (
          <ProfilePanel
            connection={connection}
            userId={view.userId}
            onClose={() => setView({ name: 'thread' })}
            onIgnored={(userId) => setItems((current) => current.filter((item) => item.author?.id !== userId).map((item) => ({ ...item, replies: item.replies.filter((reply) => reply.author?.id !== userId) })))}
          />
        )}
        {view.name === 'inbox' && (
          <Inbox
            connection={connection}
            onClose={() => setView({ name: 'thread' })}
            onOpenComment={(commentId, otherArticle) => {
              setView({ name: 'thread' });
              if (otherArticle === articleId) location.hash = `margin-comment-${commentId}`;
            }}
          />
        )}
        {view.name === 'thread' && (
          <>
            {article && !article.commentsOpen && <p class="notice">Comments are closed on this article.</p>}
            {article?.commentsOpen &&
              (user ? (
                <Composer label="Join the conversation" submitLabel="Post comment" onSubmit={(body) => actions.post(body)} />
              ) : (
                <p class="muted">
                  <button type="button" class="link" onClick={() => setView({ name: 'signin' })}>
                    Sign in
                  </button>{' '}
                  to join the conversation.
                </p>
              ))}
            <div class="row" style="margin:.75em 0">
              <label for="margin-sort" style="margin:0">
                Sort by
              </label>
              <select
                id="margin-sort"
                value={sort}
                onChange={(event) => {
                  const next = event.currentTarget.value as Sort;
                  setSort(next);
                  setLinked(undefined);
                  void loadPage(next);
                }}
              >
                {(Object.keys(SORT_LABELS) as Sort[]).map((value) => (
                  <option value={value}>{SORT_LABELS[value]}</option>
                ))}
              </select>
            </div>
            {fresh.length > 0 && (
              <button type="button" class="primary live" onClick={showFresh}>
                {fresh.length === 1 ? '1 new comment' : `${fresh.length} new comments`}
              </button>
            )}
            <ol aria-label="Comment thread" aria-busy={loading}>
              {items.map((item) => (
                <TopLevel key={item.id} comment={item} actions={actions} linked={linked} />
              ))}
            </ol>
            {!loading && items.length === 0 && !problem && <p class="muted">No comments yet. Be the first.</p>}
            {nextCursor && (
              <button type="button" onClick={() => void loadPage(sort, nextCursor, true)} disabled={loading}>
                Load more comments
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}
