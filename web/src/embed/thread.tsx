import { useState } from 'preact/hooks';
import type { Schemas, User } from '../api/connection';

export type Comment = Schemas['CommentView'];
export type ThreadComment = Schemas['ThreadCommentView'] & { repliesCursor?: string | null; repliesLoaded?: boolean };

export const REPORT_REASONS = [
  ['spam', 'Spam'],
  ['abuse', 'Abuse'],
  ['hate', 'Hate'],
  ['off_topic', 'Off topic'],
  ['harassment', 'Harassment'],
  ['misinformation', 'Misinformation'],
  ['legal', 'Legal issue'],
  ['other', 'Something else'],
] as const;

const EDIT_WINDOW_MS = 10 * 60 * 1000;

/** What a comment can ask of the embed; each returns whether it worked (errors are shown by the embed). */
export interface ThreadActions {
  user: User | null;
  commentsOpen: boolean;
  post(body: string, parent?: Comment): Promise<boolean>;
  edit(comment: Comment, body: string): Promise<boolean>;
  remove(comment: Comment): Promise<boolean>;
  react(comment: Comment): Promise<boolean>;
  report(comment: Comment, reason: string, note: string): Promise<boolean>;
  moreReplies(root: ThreadComment): Promise<void>;
  openProfile(userId: string): void;
  requireSignIn(): void;
}

export function when(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function Composer(props: { label: string; submitLabel: string; initial?: string; onSubmit(body: string): Promise<boolean>; onCancel?(): void; autoFocus?: boolean }) {
  const [body, setBody] = useState(props.initial ?? '');
  const [busy, setBusy] = useState(false);
  const id = `margin-composer-${props.label.replace(/\W+/g, '-')}`;
  const trimmed = body.trim().length;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (trimmed === 0 || busy) return;
        setBusy(true);
        void props.onSubmit(body).then((ok) => {
          setBusy(false);
          if (ok) setBody('');
        });
      }}
    >
      <label for={id}>{props.label}</label>
      <textarea id={id} value={body} maxLength={5000} autoFocus={props.autoFocus} onInput={(event) => setBody(event.currentTarget.value)} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy || trimmed === 0}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <span class="muted" aria-live="polite">
          {trimmed > 4500 ? `${5000 - body.length} characters left` : ''}
        </span>
      </div>
    </form>
  );
}

function ReportForm(props: { onSubmit(reason: string, note: string): Promise<boolean>; onCancel(): void; commentId: string }) {
  const [reason, setReason] = useState('spam');
  const [note, setNote] = useState('');
  const prefix = `margin-report-${props.commentId}`;
  return (
    <form
      class="panel"
      aria-label="Report this comment"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit(reason, note).then((ok) => ok && props.onCancel());
      }}
    >
      <label for={`${prefix}-reason`}>Why are you reporting this comment?</label>
      <select id={`${prefix}-reason`} value={reason} onChange={(event) => setReason(event.currentTarget.value)}>
        {REPORT_REASONS.map(([value, label]) => (
          <option value={value}>{label}</option>
        ))}
      </select>
      <label for={`${prefix}-note`}>Note for the moderators (optional)</label>
      <textarea id={`${prefix}-note`} maxLength={1000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      <div class="row">
        <button type="submit" class="primary">
          Send report
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Author(props: { comment: Comment; actions: ThreadActions }) {
  const { author } = props.comment;
  if (!author) return <span class="author muted">Deleted account</span>;
  return (
    <span>
      <button type="button" class="link author" onClick={() => props.actions.openProfile(author.id)} aria-label={`${author.displayName}: open profile`}>
        {author.displayName}
      </button>
      {author.isSupporter && <span class="badge supporter">Supporter</span>}
      {author.role !== 'reader' && <span class="badge">{author.role === 'admin' ? 'Staff' : 'Moderator'}</span>}
    </span>
  );
}

export function CommentItem(props: { comment: Comment; actions: ThreadActions; linked?: string; root?: ThreadComment }) {
  const { comment, actions } = props;
  const [mode, setMode] = useState<'none' | 'reply' | 'edit' | 'report'>('none');
  const own = !!actions.user && comment.author?.id === actions.user.id;
  const isTombstone = comment.status === 'hidden' || comment.status === 'deleted';
  const editable = own && comment.status !== 'deleted' && comment.replyCount === 0 && Date.now() - Date.parse(comment.createdAt) < EDIT_WINDOW_MS;
  const live = comment.status === 'visible';
  const signedInOr = (next: typeof mode) => () => (actions.user ? setMode(mode === next ? 'none' : next) : actions.requireSignIn());
  return (
    <article
      id={`margin-comment-${comment.id}`}
      class={`comment${props.linked === comment.id ? ' linked' : ''}`}
      tabIndex={-1}
      aria-label={`Comment by ${comment.author?.displayName ?? 'a deleted account'}`}
    >
      <header class="row">
        <Author comment={comment} actions={actions} />
        <span class="muted">
          <time dateTime={comment.createdAt}>{when(comment.createdAt)}</time>
          {comment.editedAt && ' · edited'}
          {comment.featured && ' · Featured'}
        </span>
      </header>
      {comment.inReplyTo && <p class="muted">Replying to {comment.inReplyTo.authorDisplayName}</p>}
      {isTombstone && comment.body === null ? (
        <p class="body tombstone">{comment.status === 'deleted' ? 'This comment was deleted.' : 'This comment was removed by a moderator.'}</p>
      ) : mode === 'edit' ? (
        <Composer
          label="Edit your comment"
          submitLabel="Save"
          initial={comment.body ?? ''}
          autoFocus
          onSubmit={async (body) => {
            const ok = await actions.edit(comment, body);
            if (ok) setMode('none');
            return ok;
          }}
          onCancel={() => setMode('none')}
        />
      ) : (
        <p class="body">{comment.body}</p>
      )}
      {comment.status === 'pending' && <p class="notice">Awaiting moderation: only you and the moderators can see this comment.</p>}
      {isTombstone && comment.body !== null && <p class="notice">{comment.status === 'hidden' ? 'Hidden by a moderator: only you and the moderators can see it.' : 'Deleted.'}</p>}
      {live && (
        <div class="row actions">
          {actions.commentsOpen && (
            <button type="button" class="link" aria-expanded={mode === 'reply'} onClick={signedInOr('reply')}>
              Reply
            </button>
          )}
          <button
            type="button"
            aria-pressed={comment.viewerReacted}
            disabled={own}
            onClick={() => (actions.user ? void actions.react(comment) : actions.requireSignIn())}
          >
            <span aria-hidden="true">▲ </span>
            {`Recommend (${comment.reactionCount})`}
          </button>
          {!own && (
            <button type="button" class="link" aria-expanded={mode === 'report'} onClick={signedInOr('report')}>
              Report
            </button>
          )}
          {editable && mode !== 'edit' && (
            <button type="button" class="link" onClick={() => setMode('edit')}>
              Edit
            </button>
          )}
          {own && (
            <button type="button" class="link" onClick={() => confirm('Delete this comment?') && void actions.remove(comment)}>
              Delete
            </button>
          )}
        </div>
      )}
      {mode === 'reply' && (
        <Composer
          label={`Reply to ${comment.author?.displayName ?? 'this comment'}`}
          submitLabel="Post reply"
          autoFocus
          onSubmit={async (body) => {
            const ok = await actions.post(body, comment);
            if (ok) setMode('none');
            return ok;
          }}
          onCancel={() => setMode('none')}
        />
      )}
      {mode === 'report' && <ReportForm commentId={comment.id} onSubmit={(reason, note) => actions.report(comment, reason, note)} onCancel={() => setMode('none')} />}
    </article>
  );
}

export function TopLevel(props: { comment: ThreadComment; actions: ThreadActions; linked?: string }) {
  const { comment, actions } = props;
  const hidden = comment.replyCount - comment.replies.length;
  const moreLeft = comment.repliesLoaded ? !!comment.repliesCursor : hidden > 0;
  return (
    <li>
      <CommentItem comment={comment} actions={actions} linked={props.linked} />
      {(comment.replies.length > 0 || moreLeft) && (
        <ol class="replies" aria-label={`Replies to ${comment.author?.displayName ?? 'this comment'}`}>
          {comment.replies.map((reply) => (
            <li key={reply.id}>
              <CommentItem comment={reply} actions={actions} linked={props.linked} root={comment} />
            </li>
          ))}
          {moreLeft && (
            <li>
              <button type="button" class="link" onClick={() => void actions.moreReplies(comment)}>
                {comment.repliesLoaded || hidden <= 0 ? 'More replies' : `More replies (${hidden})`}
              </button>
            </li>
          )}
        </ol>
      )}
    </li>
  );
}
