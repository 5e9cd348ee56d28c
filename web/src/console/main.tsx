import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Connection, unwrap } from '../api/connection';
import { messageFor } from '../api/problems';
import { Appeals, AuditLog, Donations, Settings, Webhooks } from './admin';
import { Queue, type QueueState } from './queue';
import { ReaderDrawer } from './reader';
import './console.css';

/** The moderator console (/console/): hash routes, one connection to the Margin that serves it. */
const connection = new Connection(location.origin);
const pollSeconds = Number(new URLSearchParams(location.search).get('poll')) || 15;

const ROUTES = [
  ['queue/reported', 'Reported', false],
  ['queue/pending', 'Pending', false],
  ['queue/hidden', 'Hidden', false],
  ['audit', 'Audit log', true],
  ['settings', 'Settings', true],
  ['appeals', 'Appeals', true],
  ['donations', 'Donations', true],
  ['webhooks', 'Webhooks', true],
] as const;

function currentRoute(): string {
  const route = location.hash.replace(/^#\/?/, '');
  return ROUTES.some(([path]) => path === route) ? route : 'queue/reported';
}

function SignIn(props: { onDone(): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <main class="signin">
      <form
        aria-labelledby="signin-title"
        onSubmit={(event) => {
          event.preventDefault();
          void (async () => {
            setProblem(null);
          try {
            const result = await unwrap(connection.api.POST('/api/v1/auth/login', { body: { email, password } }));
            if (result.user.role === 'reader') {
              setProblem('This account is not a moderator.');
              return;
            }
            connection.signedIn(result);
            props.onDone();
          } catch (error) {
            setProblem(messageFor(error));
          }
          })();
        }}
      >
        <h1 id="signin-title">Margin moderation</h1>
        {problem && (
          <p class="message" role="alert">
            {problem}
          </p>
        )}
        <label for="console-email">E-mail</label>
        <input id="console-email" type="email" autoComplete="username" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        <label for="console-password">Password</label>
        <input id="console-password" type="password" autoComplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

function Console() {
  const [user, setUser] = useState(connection.user);
  const [route, setRoute] = useState(currentRoute());
  const [reader, setReader] = useState<string | null>(null);
  useEffect(() => connection.onChange(() => setUser(connection.user)), []);
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    // The stored role may be stale: read it again.
    if (user) unwrap(connection.api.GET('/api/v1/me')).then((me) => connection.updateUser(me), () => undefined);
  }, []);
  if (!user || user.role === 'reader') return <SignIn onDone={() => setUser(connection.user)} />;
  const isAdmin = user.role === 'admin';
  const page = route.startsWith('queue/') ? (
    <Queue connection={connection} state={route.slice(6) as QueueState} pollSeconds={pollSeconds} onOpenReader={setReader} />
  ) : route === 'audit' ? (
    <AuditLog connection={connection} />
  ) : route === 'settings' ? (
    <Settings connection={connection} />
  ) : route === 'appeals' ? (
    <Appeals connection={connection} />
  ) : route === 'donations' ? (
    <Donations connection={connection} />
  ) : (
    <Webhooks connection={connection} />
  );
  return (
    <>
      <header class="top">
        <strong>Margin</strong>
        <nav aria-label="Console">
          <ul class="row">
            {ROUTES.filter(([, , adminOnly]) => isAdmin || !adminOnly).map(([path, label]) => (
              <li>
                <a href={`#/${path}`} aria-current={route === path ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="muted">
          {user.displayName} ({user.role})
        </span>
        <button type="button" onClick={() => void connection.signOut()}>
          Sign out
        </button>
      </header>
      <main>{page}</main>
      {reader && <ReaderDrawer connection={connection} userId={reader} isAdmin={isAdmin} onClose={() => setReader(null)} />}
    </>
  );
}

const mount = document.getElementById('console');
if (mount) render(<Console />, mount);
