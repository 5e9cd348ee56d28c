import { useEffect, useState } from 'preact/hooks';
import { type Connection, unwrap } from '../api/connection';
import { addReaderNote, type Comment, isMissing, type ReaderNote, type ReaderStanding, readerComments, readerNotes, readerStanding } from '../api/pending';
import { messageFor } from '../api/problems';
import { when } from '../embed/thread';

const STATUSES = ['', 'visible', 'pending', 'hidden', 'deleted'] as const;

/** The reader drawer: standing, comments of every status, notes, suspend and (admins) ban. */
export function ReaderDrawer(props: { connection: Connection; userId: string; isAdmin: boolean; onClose(): void }) {
  const { connection, userId } = props;
  const { api } = connection;
  const [standing, setStanding] = useState<ReaderStanding | null>(null);
  const [comments, setComments] = useState<Comment[]>([]);
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const [notes, setNotes] = useState<ReaderNote[] | null>(null);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const path = { params: { path: { id: userId } } };

  const loadStanding = () =>
    readerStanding(connection, userId).then(setStanding, async (error: unknown) => {
      // Where the standing endpoint is missing, the public profile stands in.
      if (!isMissing(error)) return setProblem(messageFor(error));
      setStanding(await unwrap(api.GET('/api/v1/users/{id}', path)).catch(() => null));
    });

  useEffect(() => {
    void loadStanding();
    readerNotes(connection, userId).then(
      (page) => setNotes(page.items),
      () => setNotes(null),
    );
  }, [userId]);

  useEffect(() => {
    readerComments(connection, userId, status || undefined).then(
      (page) => setComments(page.items),
      async (error: unknown) => {
        if (!isMissing(error)) return setProblem(messageFor(error));
        const page = await unwrap(api.GET('/api/v1/users/{id}/comments', { params: { path: { id: userId }, query: { limit: 50 } } })).catch(() => null);
        setComments(page?.items ?? []);
      },
    );
  }, [userId, status]);

  const act = async (label: string, work: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await work();
      setDone(label);
      await loadStanding();
    } catch (error) {
      setProblem(messageFor(error));
    }
  };

  return (
    <aside class="drawer" aria-labelledby="reader-title" onKeyDown={(event) => event.key === 'Escape' && props.onClose()}>
      <div class="row">
        <h2 id="reader-title">{standing?.displayName ?? 'Reader'}</h2>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      <div aria-live="polite">
        {problem && (
          <p class="message" role="alert">
            {problem}
          </p>
        )}
        {done && <p class="muted">{done}</p>}
      </div>
      {standing && (
        <dl class="facts">
          <dt>Role</dt>
          <dd>{standing.role}</dd>
          {standing.email && (
            <>
              <dt>E-mail</dt>
              <dd>
                {standing.email}
                {standing.emailVerified === false ? ' (unverified)' : ''}
              </dd>
            </>
          )}
          <dt>Joined</dt>
          <dd>{when(standing.createdAt)}</dd>
          <dt>Comments</dt>
          <dd>
            {standing.commentCounts
              ? Object.entries(standing.commentCounts)
                  .map(([key, value]) => `${value} ${key}`)
                  .join(', ')
              : standing.commentCount}
          </dd>
          <dt>Followers</dt>
          <dd>{standing.followerCount}</dd>
          <dt>Suspended until</dt>
          <dd>{standing.suspendedUntil ? when(standing.suspendedUntil) : 'not suspended'}</dd>
          <dt>Banned</dt>
          <dd>{standing.bannedAt ? when(standing.bannedAt) : 'no'}</dd>
          {standing.sanctions && standing.sanctions.length > 0 && (
            <>
              <dt>Sanctions</dt>
              <dd>{standing.sanctions.map((sanction) => `${sanction.action ?? sanction.type ?? ''} ${sanction.reason ?? ''}`).join('; ')}</dd>
            </>
          )}
        </dl>
      )}
      <form
        class="panel"
        aria-label="Suspend"
        onSubmit={(event) => {
          event.preventDefault();
          void act('Suspended', () => unwrap(api.POST('/api/v1/admin/users/{id}/suspend', { ...path, body: { until: new Date(until).toISOString(), reason } })));
        }}
      >
        <label for="sanction-reason">Reason (kept in the audit log)</label>
        <input id="sanction-reason" required maxLength={1000} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
        <label for="suspend-until">Suspend until</label>
        <input id="suspend-until" type="datetime-local" required value={until} onInput={(event) => setUntil(event.currentTarget.value)} />
        <div class="row">
          <button type="submit">Suspend</button>
          <button
            type="button"
            onClick={() => (reason ? void act('Suspension lifted', () => unwrap(api.POST('/api/v1/admin/users/{id}/unsuspend', { ...path, body: { reason } }))) : setProblem('Give a reason.'))}
          >
            Lift suspension
          </button>
          {props.isAdmin && (
            <>
              <button
                type="button"
                class="danger"
                onClick={() => (reason ? void act('Banned', () => unwrap(api.POST('/api/v1/admin/users/{id}/ban', { ...path, body: { reason } }))) : setProblem('A ban needs a reason.'))}
              >
                Ban
              </button>
              <button type="button" onClick={() => (reason ? void act('Unbanned', () => unwrap(api.POST('/api/v1/admin/users/{id}/unban', { ...path, body: { reason } }))) : setProblem('Give a reason.'))}>
                Unban
              </button>
            </>
          )}
        </div>
      </form>
      {notes && (
        <section aria-label="Notes">
          <h3>Notes</h3>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void addReaderNote(connection, userId, note).then(
                (added) => {
                  setNotes([added, ...notes]);
                  setNote('');
                },
                (error: unknown) => setProblem(messageFor(error)),
              );
            }}
          >
            <label for="reader-note">Add a note</label>
            <textarea id="reader-note" maxLength={2000} required value={note} onInput={(event) => setNote(event.currentTarget.value)} />
            <button type="submit">Save note</button>
          </form>
          <ul>
            {notes.map((entry) => (
              <li key={entry.id}>
                <span class="muted">
                  {entry.author?.displayName ?? 'Erased'} · {when(entry.createdAt)}
                </span>
                <p class="body">{entry.body}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Their comments">
        <div class="row">
          <h3>Comments</h3>
          <label for="reader-status" class="sr">
            Status
          </label>
          <select id="reader-status" value={status} onChange={(event) => setStatus(event.currentTarget.value as (typeof STATUSES)[number])}>
            {STATUSES.map((value) => (
              <option value={value}>{value || 'every status'}</option>
            ))}
          </select>
        </div>
        <ul>
          {comments.map((comment) => (
            <li key={comment.id} class="item">
              <span class="muted">
                {when(comment.createdAt)} · {comment.status} · {comment.articleId}
              </span>
              <p class="body">{comment.body ?? '(no text)'}</p>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
