import { useEffect, useState } from 'preact/hooks';
import { type Connection, type Schemas, unwrap } from '../api/connection';
import { messageFor } from '../api/problems';
import { when } from './thread';

type Notification = Schemas['NotificationView'];
type Profile = Schemas['ProfileView'];

export function SignIn(props: { connection: Connection; onDone(): void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { api } = props.connection;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const result =
        mode === 'login'
          ? await unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }))
          : await unwrap(api.POST('/api/v1/auth/register', { body: { email, password, displayName } }));
      props.connection.signedIn(result);
      props.onDone();
    } catch (error) {
      setProblem(messageFor(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" onSubmit={(event) => void submit(event)} aria-label={mode === 'login' ? 'Sign in' : 'Create an account'}>
      <h3>{mode === 'login' ? 'Sign in to comment' : 'Create an account'}</h3>
      {problem && (
        <p class="message" role="alert">
          {problem}
        </p>
      )}
      {mode === 'register' && (
        <>
          <label for="margin-name">Display name</label>
          <input id="margin-name" autoComplete="nickname" required minLength={2} maxLength={40} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </>
      )}
      <label for="margin-email">E-mail</label>
      <input id="margin-email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="margin-password">Password{mode === 'register' ? ' (at least 10 characters)' : ''}</label>
      <input
        id="margin-password"
        type="password"
        autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        required
        minLength={mode === 'register' ? 10 : 1}
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <div class="row" style="margin-top:.75em">
        <button type="submit" class="primary" disabled={busy}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
        <button type="button" class="link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
          {mode === 'login' ? 'New here? Create an account' : 'Already have an account? Sign in'}
        </button>
        <button type="button" class="link" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

async function firstPageHas(call: Promise<{ items: Array<{ id: string }> }>, id: string): Promise<boolean> {
  try {
    return (await call).items.some((item) => item.id === id);
  } catch {
    return false;
  }
}

export function ProfilePanel(props: { connection: Connection; userId: string; onClose(): void; onIgnored(userId: string): void }) {
  const { connection, userId } = props;
  const { api } = connection;
  const me = connection.user;
  const [profile, setProfile] = useState<Profile | null>(null);
  const [following, setFollowing] = useState(false);
  const [ignoring, setIgnoring] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: userId } } })).then(setProfile, (error: unknown) => setProblem(messageFor(error)));
    if (me && me.id !== userId) {
      void firstPageHas(unwrap(api.GET('/api/v1/users/{id}/following', { params: { path: { id: me.id }, query: { limit: 100 } } })), userId).then(setFollowing);
      void firstPageHas(unwrap(api.GET('/api/v1/me/ignores', { params: { query: { limit: 100 } } })), userId).then(setIgnoring);
    }
  }, [userId]);
  const act = async (work: () => Promise<unknown>, after: () => void) => {
    setProblem(null);
    try {
      await work();
      after();
    } catch (error) {
      setProblem(messageFor(error));
    }
  };
  const path = { params: { path: { id: userId } } };
  const ignorePath = { params: { path: { userId } } };
  return (
    <section class="panel" aria-label="Reader profile">
      {problem && (
        <p class="message" role="alert">
          {problem}
        </p>
      )}
      {profile && (
        <>
          <h3>
            {profile.displayName}
            {profile.isSupporter && <span class="badge supporter">Supporter</span>}
          </h3>
          {profile.bio && <p class="body">{profile.bio}</p>}
          <p class="muted">
            {profile.commentCount} comments · {profile.followerCount} followers · {profile.followingCount} following · joined {when(profile.createdAt)}
          </p>
          {me && me.id !== userId && (
            <div class="row">
              <button
                type="button"
                class={following ? '' : 'primary'}
                aria-pressed={following}
                onClick={() =>
                  void act(
                    () => unwrap(following ? api.DELETE('/api/v1/users/{id}/follow', path) : api.PUT('/api/v1/users/{id}/follow', path)),
                    () => {
                      setFollowing(!following);
                      setProfile({ ...profile, followerCount: profile.followerCount + (following ? -1 : 1) });
                    },
                  )
                }
              >
                {following ? 'Following' : 'Follow'}
              </button>
              <button
                type="button"
                aria-pressed={ignoring}
                onClick={() =>
                  void act(
                    () => unwrap(ignoring ? api.DELETE('/api/v1/me/ignores/{userId}', ignorePath) : api.PUT('/api/v1/me/ignores/{userId}', ignorePath)),
                    () => {
                      if (!ignoring) props.onIgnored(userId);
                      setIgnoring(!ignoring);
                    },
                  )
                }
              >
                {ignoring ? 'Ignored (undo)' : 'Ignore'}
              </button>
            </div>
          )}
        </>
      )}
      <button type="button" class="link" onClick={props.onClose}>
        Back to comments
      </button>
    </section>
  );
}

// `featured` is in the contract, not yet in the committed document.
const DESCRIPTIONS: Record<string, string> = {
  featured: 'A moderator featured your comment',
  reply: 'replied to your comment',
  follow: 'followed you',
  followed_comment: 'posted a comment',
  moderation: 'A moderator reviewed your comment',
};

export function Inbox(props: { connection: Connection; onClose(): void; onOpenComment(commentId: string, articleId: string): void }) {
  const { api } = props.connection;
  const [items, setItems] = useState<Notification[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    unwrap(api.GET('/api/v1/me/notifications', { params: { query: { limit: 50 } } })).then(
      (page) => setItems(page.items),
      (error: unknown) => setProblem(messageFor(error)),
    );
  }, []);
  const markAll = async () => {
    try {
      await unwrap(api.POST('/api/v1/me/notifications/read', { body: { all: true } }));
      const now = new Date().toISOString();
      setItems((items ?? []).map((item) => ({ ...item, readAt: item.readAt ?? now })));
      const me = await unwrap(api.GET('/api/v1/me'));
      props.connection.updateUser(me);
    } catch (error) {
      setProblem(messageFor(error));
    }
  };
  return (
    <section class="panel" aria-label="Notifications">
      <div class="row">
        <h3>Notifications</h3>
        <button type="button" onClick={() => void markAll()}>
          Mark all as read
        </button>
        <button type="button" class="link" onClick={props.onClose}>
          Back to comments
        </button>
      </div>
      {problem && (
        <p class="message" role="alert">
          {problem}
        </p>
      )}
      {items?.length === 0 && <p class="muted">Nothing yet.</p>}
      <ul>
        {items?.map((item) => (
          <li class="comment" key={item.id}>
            <span class={item.readAt ? '' : 'author'}>
              {item.type === 'moderation' || (item.type as string) === 'featured' ? DESCRIPTIONS[item.type] : `${item.actor?.displayName ?? 'Someone'} ${DESCRIPTIONS[item.type]}`}
            </span>{' '}
            <span class="muted">{when(item.createdAt)}</span>
            {item.comment?.excerpt && <p class="body">{item.comment.excerpt}</p>}
            {item.comment && item.comment.status === 'visible' && (
              <button type="button" class="link" onClick={() => item.comment && props.onOpenComment(item.comment.id, item.comment.articleId)}>
                Show the comment
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
