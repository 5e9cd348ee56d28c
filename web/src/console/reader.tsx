import { useEffect, useState } from 'preact/hooks';
import { type Connection, type Schemas, unwrap } from '../api/connection';
import { messageFor } from '../api/problems';
import { when } from '../embed/thread';

type Comment = Schemas['CommentView'];
type ReaderNote = Schemas['ModeratorNoteView'];
type ReaderStanding = Schemas['ReaderStandingView'];
type Status = '' | NonNullable<NonNullable<Schemas['CommentView']['status']>>;
const STATUSES: Status[] = ['', 'visible', 'pending', 'hidden', 'deleted'];
const SANCTIONS: Record<Schemas['SanctionView']['action'], string> = {
  'user.suspend': 'Suspended',
  'user.unsuspend': 'Suspension lifted',
  'user.ban': 'Banned',
  'user.unban': 'Unbanned',
};

/** The reader drawer: standing, comments of every status, notes, suspend and (admins) ban. */
export function ReaderDrawer(props: { connection: Connection; userId: string; isAdmin: boolean; onClose(): void }) {
  const { connection, userId } = props;
  const { api } = connection;
  const [standing, setStanding] = useState<ReaderStanding | null>(null);
  const [comments, setComments] = useState<Comment[]>([]);
  const [commentsCursor, setCommentsCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>('');
  const [notes, setNotes] = useState<ReaderNote[]>([]);
  const [notesCursor, setNotesCursor] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const path = { params: { path: { id: userId } } };
  const failed = (error: unknown) => setProblem(messageFor(error));

  const loadStanding = () => unwrap(api.GET('/api/v1/admin/users/{id}', path)).then(setStanding, failed);
  const loadNotes = (cursor?: string) =>
    unwrap(api.GET('/api/v1/admin/users/{id}/notes', { params: { path: { id: userId }, query: { limit: 20, ...(cursor ? { cursor } : {}) } } })).then((page) => {
      setNotes((existing) => (cursor ? [...existing, ...page.items] : page.items));
      setNotesCursor(page.nextCursor);
    }, failed);
  const loadComments = (cursor?: string) =>
    unwrap(
      api.GET('/api/v1/admin/users/{id}/comments', { params: { path: { id: userId }, query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } }),
    ).then((page) => {
      setComments((existing) => (cursor ? [...existing, ...page.items] : page.items));
      setCommentsCursor(page.nextCursor);
    }, failed);

  useEffect(() => {
    setProblem(null);
    void loadStanding();
    void loadNotes();
  }, [userId]);

  useEffect(() => void loadComments(), [userId, status]);

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
            {standing.commentCounts.visible} visible, {standing.commentCounts.pending} pending, {standing.commentCounts.hidden} hidden, {standing.commentCounts.deleted} deleted
          </dd>
          <dt>Reports against them</dt>
          <dd>
            {standing.reportCount} ({standing.openReportCount} open)
          </dd>
          <dt>Followers</dt>
          <dd>{standing.followerCount}</dd>
          <dt>Suspended until</dt>
          <dd>{standing.suspendedUntil ? when(standing.suspendedUntil) : 'not suspended'}</dd>
          <dt>Banned</dt>
          <dd>{standing.bannedAt ? when(standing.bannedAt) : 'no'}</dd>
        </dl>
      )}
      {standing && standing.sanctions.length > 0 && (
        <section aria-label="Sanctions">
          <h3>Sanctions</h3>
          <ul>
            {standing.sanctions.map((sanction) => (
              <li key={sanction.id}>
                {SANCTIONS[sanction.action]}
                {sanction.until && sanction.action === 'user.suspend' ? ` until ${when(sanction.until)}` : ''} · {when(sanction.createdAt)} by {sanction.actor?.displayName ?? 'an erased account'}
                {sanction.reason ? ` · ${sanction.reason}` : ''}
              </li>
            ))}
          </ul>
        </section>
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
      <section aria-label="Notes">
        <h3>Notes</h3>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setProblem(null);
            unwrap(api.POST('/api/v1/admin/users/{id}/notes', { ...path, body: { body: note } })).then((added) => {
              setNotes((existing) => [added, ...existing]);
              setNote('');
              setDone('Note saved');
            }, failed);
          }}
        >
          <label for="reader-note">Add a note (only moderators see it)</label>
          <textarea id="reader-note" maxLength={2000} required value={note} onInput={(event) => setNote(event.currentTarget.value)} />
          <button type="submit">Save note</button>
        </form>
        {notes.length === 0 && <p class="muted">No notes yet.</p>}
        <ul>
          {notes.map((entry) => (
            <li key={entry.id}>
              <span class="muted">
                {entry.author?.displayName ?? 'Erased account'} · {when(entry.createdAt)}
              </span>
              <p class="body">{entry.body}</p>
            </li>
          ))}
        </ul>
        {notesCursor && (
          <button type="button" onClick={() => void loadNotes(notesCursor)}>
            More notes
          </button>
        )}
      </section>
      <section aria-label="Their comments">
        <div class="row">
          <h3>Comments</h3>
          <label for="reader-status" class="sr">
            Status
          </label>
          <select id="reader-status" value={status} onChange={(event) => setStatus(event.currentTarget.value as Status)}>
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
        {commentsCursor && (
          <button type="button" onClick={() => void loadComments(commentsCursor)}>
            More comments
          </button>
        )}
      </section>
    </aside>
  );
}
