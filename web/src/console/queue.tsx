import { useEffect, useRef, useState } from 'preact/hooks';
import { type Connection, type Schemas, unwrap } from '../api/connection';
import { eventData, liveTicket, type QueueChange, queueLiveUrl } from '../api/live';
import { messageFor } from '../api/problems';
import { REPORT_REASONS, when } from '../embed/thread';

export type QueueState = 'reported' | 'pending' | 'hidden';
type QueueItem = Schemas['QueueItemView'];
type Reason = (typeof REPORT_REASONS)[number][0];
type Single = 'approve' | 'unhide' | 'feature' | 'unfeature' | 'delete';
type BulkAction = Schemas['BulkModerationDto']['action'];
/** The most ids one bulk request takes. */
const BULK_LIMIT = 100;

const SHORTCUTS: Array<[string, string]> = [
  ['j / k', 'next / previous comment'],
  ['a', 'approve (the selected ones, else the current one)'],
  ['h', 'hide, with a reason and a note'],
  ['f', 'feature or unfeature'],
  ['x', 'select or unselect'],
  ['?', 'show or hide this help'],
];

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable);
}

export function HideDialog(props: { count: number; onHide(reason: Reason, note: string): void; onCancel(): void }) {
  const [reason, setReason] = useState<Reason>('abuse');
  const [note, setNote] = useState('');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="hide-title" onKeyDown={(event) => event.key === 'Escape' && props.onCancel()}>
      <form
        class="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          props.onHide(reason, note);
        }}
      >
        <h2 id="hide-title">{props.count === 1 ? 'Hide this comment' : `Hide ${props.count} comments`}</h2>
        <label for="hide-reason">Reason</label>
        <select id="hide-reason" ref={first} value={reason} onChange={(event) => setReason(event.currentTarget.value as Reason)}>
          {REPORT_REASONS.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <label for="hide-note">Note (kept in the audit log)</label>
        <textarea id="hide-note" maxLength={1000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        <div class="row">
          <button type="submit" class="primary">
            Hide
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

function History(props: { connection: Connection; commentId: string; onClose(): void }) {
  const [history, setHistory] = useState<Schemas['CommentHistoryView'] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    unwrap(props.connection.api.GET('/api/v1/admin/comments/{id}/history', { params: { path: { id: props.commentId } } })).then(setHistory, (error: unknown) =>
      setProblem(messageFor(error)),
    );
  }, [props.commentId]);
  return (
    <section class="panel" aria-label="Comment history">
      <div class="row">
        <h3>History</h3>
        <button type="button" class="link" onClick={props.onClose}>
          Close
        </button>
      </div>
      {problem && <p class="message">{problem}</p>}
      {history && (
        <>
          <h4>Versions</h4>
          {history.versions.length === 0 && <p class="muted">Never edited.</p>}
          <ol>
            {history.versions.map((version) => (
              <li>
                <span class="muted">until {when(version.replacedAt)}</span>
                <p class="body">{version.body}</p>
              </li>
            ))}
          </ol>
          <h4>Moderation</h4>
          {history.actions.length === 0 && <p class="muted">No moderation yet.</p>}
          <ol>
            {history.actions.map((action) => (
              <li>
                {when(action.createdAt)} · {action.action} by {action.actor?.displayName ?? 'an erased account'}
                {action.reason ? ` · ${action.reason}` : ''}
                {action.note ? ` · “${action.note}”` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

export function Queue(props: { connection: Connection; state: QueueState; pollSeconds: number; onOpenReader(userId: string): void }) {
  const { connection, state } = props;
  const { api } = connection;
  const [items, setItems] = useState<QueueItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [current, setCurrent] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [hiding, setHiding] = useState<string[] | null>(null);
  const [help, setHelp] = useState(false);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [live, setLive] = useState<'connecting' | 'stream' | 'poll'>('connecting');
  const list = useRef<HTMLOListElement>(null);

  const load = async () => {
    try {
      const page = await unwrap(api.GET('/api/v1/admin/queue', { params: { query: { state, limit: 50 } } }));
      setItems(page.items);
      setNextCursor(page.nextCursor);
      setCurrent((index) => Math.max(0, Math.min(index, page.items.length - 1)));
      setSelected((chosen) => new Set([...chosen].filter((id) => page.items.some((item) => item.id === id))));
    } catch (error) {
      setProblem(messageFor(error));
    }
  };
  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await unwrap(api.GET('/api/v1/admin/queue', { params: { query: { state, limit: 50, cursor: nextCursor } } }));
      setItems((existing) => [...existing, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (error) {
      setProblem(messageFor(error));
    }
  };

  useEffect(() => {
    setItems([]);
    setSelected(new Set());
    setCurrent(0);
    void load();
  }, [state]);

  // Live: the moderators' stream (`queue.added` / `queue.removed` for this queue), with a new ticket on every
  // connection; while it is down (or cannot be opened), a poll every pollSeconds and a reconnection.
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = () => {
      setLive('poll');
      timer ??= setInterval(() => void loadRef.current(), props.pollSeconds * 1000);
    };
    const connect = () => {
      liveTicket(connection).then(
        (ticket) => {
          if (stopped) return;
          let opened = false;
          source = new EventSource(queueLiveUrl(connection, ticket));
          source.addEventListener('open', () => {
            const reconnected = timer !== undefined;
            opened = true;
            clearInterval(timer);
            timer = undefined;
            setLive('stream');
            // What happened while the stream was down.
            if (reconnected) void loadRef.current();
          });
          source.addEventListener('queue.added', (event) => {
            if (eventData<QueueChange>(event).state === state) void loadRef.current();
          });
          source.addEventListener('queue.removed', (event) => {
            const change = eventData<QueueChange>(event);
            if (change.state === state) setItems((existing) => existing.filter((item) => item.id !== change.commentId));
          });
          source.addEventListener('reset', () => void loadRef.current());
          source.addEventListener('error', () => {
            if (source?.readyState !== EventSource.CLOSED) return;
            source = null;
            poll();
            // A stream that worked reconnects soon (its ticket is single use); one that never opened, at the poll's pace.
            if (!stopped) retry = setTimeout(connect, opened ? 3000 : Math.max(props.pollSeconds, 30) * 1000);
          });
        },
        () => poll(),
      );
    };
    connect();
    return () => {
      stopped = true;
      source?.close();
      clearInterval(timer);
      clearTimeout(retry);
    };
  }, [state]);

  useEffect(() => {
    const element = list.current?.children[current] as HTMLElement | undefined;
    if (element && list.current?.contains(document.activeElement) !== false) element.focus({ preventScroll: false });
  }, [current, items.length]);

  const targets = (): string[] => (selected.size > 0 ? [...selected] : items[current] ? [items[current].id] : []);

  const runOne = async (id: string, action: Single | 'hide', reason?: Reason, note?: string) => {
    const path = { params: { path: { id } } };
    switch (action) {
      case 'approve':
        return unwrap(api.POST('/api/v1/admin/comments/{id}/approve', path));
      case 'unhide':
        return unwrap(api.POST('/api/v1/admin/comments/{id}/unhide', path));
      case 'feature':
        return unwrap(api.POST('/api/v1/admin/comments/{id}/feature', path));
      case 'unfeature':
        return unwrap(api.POST('/api/v1/admin/comments/{id}/unfeature', path));
      case 'delete':
        return unwrap(api.DELETE('/api/v1/comments/{id}', path));
      case 'hide':
        return unwrap(api.POST('/api/v1/admin/comments/{id}/hide', { ...path, body: { reason: reason ?? 'other', ...(note ? { note } : {}) } }));
    }
  };

  /** One comment through its own endpoint; several through POST /admin/comments/bulk (100 ids a request). */
  const act = async (ids: string[], action: BulkAction | Single, reason?: Reason, note?: string) => {
    if (ids.length === 0) return;
    setProblem(null);
    let failed = 0;
    if (ids.length > 1 && (action === 'hide' || action === 'unhide' || action === 'approve' || action === 'delete')) {
      try {
        for (let from = 0; from < ids.length; from += BULK_LIMIT) {
          const body = { ids: ids.slice(from, from + BULK_LIMIT), action, ...(action === 'hide' ? { reason: reason ?? 'other', ...(note ? { note } : {}) } : {}) };
          const { results } = await unwrap(api.POST('/api/v1/admin/comments/bulk', { body }));
          failed += results.filter((result) => result.code).length;
        }
      } catch (error) {
        setProblem(messageFor(error));
        setSelected(new Set());
        await load();
        return;
      }
    } else {
      for (const id of ids) {
        try {
          await runOne(id, action, reason, note);
        } catch (error) {
          failed += 1;
          setProblem(messageFor(error));
        }
      }
    }
    setStatus(`${action}: ${ids.length - failed} done${failed ? `, ${failed} refused` : ''}`);
    setSelected(new Set());
    await load();
  };

  const toggle = (id: string) =>
    setSelected((chosen) => {
      const next = new Set(chosen);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // The key handler reads this render's state through a ref: effects run after paint, and a key pressed
  // right after j must act on the comment j moved to, not the one before it.
  const onKeyRef = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKeyRef.current = (event: KeyboardEvent) => {
      if (typing(event.target) || hiding || event.ctrlKey || event.metaKey || event.altKey) return;
      const item = items[current];
      switch (event.key) {
        case 'j':
          setCurrent((index) => Math.min(index + 1, items.length - 1));
          break;
        case 'k':
          setCurrent((index) => Math.max(index - 1, 0));
          break;
        case 'x':
          if (item) toggle(item.id);
          break;
        case 'a':
          void act(targets(), 'approve');
          break;
        case 'h':
          if (targets().length > 0) setHiding(targets());
          break;
        case 'f':
          if (item) void act([item.id], item.featured ? 'unfeature' : 'feature');
          break;
        case '?':
          setHelp((shown) => !shown);
          break;
        case 'Escape':
          setHelp(false);
          break;
        default:
          return;
      }
      event.preventDefault();
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => onKeyRef.current(event);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section aria-labelledby="queue-title">
      <div class="row">
        <h1 id="queue-title">{state[0].toUpperCase() + state.slice(1)} queue</h1>
        <span class="muted">{live === 'stream' ? 'Live' : live === 'poll' ? `Refreshes every ${props.pollSeconds} s` : 'Connecting…'}</span>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <button type="button" aria-expanded={help} onClick={() => setHelp(!help)}>
          Shortcuts (?)
        </button>
      </div>
      {help && (
        <div class="panel" role="region" aria-label="Keyboard shortcuts">
          <dl class="shortcuts">
            {SHORTCUTS.map(([key, meaning]) => (
              <>
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd>{meaning}</dd>
              </>
            ))}
          </dl>
        </div>
      )}
      <div aria-live="polite" class="status">
        {problem && (
          <p class="message" role="alert">
            {problem}
          </p>
        )}
        {status && <p class="muted">{status}</p>}
      </div>
      <div class="row bulk" role="toolbar" aria-label="Selected comments">
        <span>{selected.size} selected</span>
        <button type="button" disabled={selected.size === 0} onClick={() => void act([...selected], 'approve')}>
          Approve selected
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => setHiding([...selected])}>
          Hide selected
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => void act([...selected], 'unhide')}>
          Unhide selected
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => confirm(`Delete ${selected.size} comments?`) && void act([...selected], 'delete')}>
          Delete selected
        </button>
      </div>
      {items.length === 0 && <p class="muted">Nothing to review.</p>}
      <ol class="queue" ref={list} aria-label={`${state} comments`}>
        {items.map((item, index) => (
          <li
            key={item.id}
            tabIndex={index === current ? 0 : -1}
            class={`item${index === current ? ' current' : ''}${selected.has(item.id) ? ' selected' : ''}`}
            aria-current={index === current ? 'true' : undefined}
            data-comment-id={item.id}
            onFocus={() => setCurrent(index)}
          >
            <div class="row">
              <input type="checkbox" aria-label={`Select comment by ${item.author?.displayName ?? 'an erased account'}`} checked={selected.has(item.id)} onChange={() => toggle(item.id)} />
              {item.author ? (
                <button type="button" class="link" onClick={() => item.author && props.onOpenReader(item.author.id)}>
                  {item.author.displayName}
                </button>
              ) : (
                <span class="muted">Erased account</span>
              )}
              {item.authorStanding?.suspended && <span class="badge">suspended</span>}
              {item.authorStanding?.banned && <span class="badge">banned</span>}
              {(item.authorStanding?.hiddenCommentCount ?? 0) > 0 && <span class="badge">{item.authorStanding?.hiddenCommentCount} hidden before</span>}
              <span class="muted">
                on {item.article.title ?? item.articleId} · {when(item.createdAt)} · {item.status}
                {item.featured ? ' · featured' : ''}
              </span>
            </div>
            <p class="body">{item.body ?? '(no text)'}</p>
            {item.reportCount > 0 && (
              <p class="muted">
                {item.reportCount} report{item.reportCount === 1 ? '' : 's'}: {item.reports.map((report) => `${report.reason}${report.note ? ` (“${report.note}”)` : ''}`).join(', ')}
              </p>
            )}
            {item.hiddenReason && <p class="muted">Hidden for {item.hiddenReason}</p>}
            <div class="row">
              {item.status !== 'hidden' && (
                <button type="button" onClick={() => void act([item.id], 'approve')}>
                  Approve
                </button>
              )}
              {item.status !== 'hidden' ? (
                <button type="button" onClick={() => setHiding([item.id])}>
                  Hide
                </button>
              ) : (
                <button type="button" onClick={() => void act([item.id], 'unhide')}>
                  Unhide
                </button>
              )}
              <button type="button" onClick={() => void act([item.id], item.featured ? 'unfeature' : 'feature')}>
                {item.featured ? 'Unfeature' : 'Feature'}
              </button>
              <button type="button" onClick={() => confirm('Delete this comment?') && void act([item.id], 'delete')}>
                Delete
              </button>
              <button type="button" class="link" onClick={() => setHistoryOf(historyOf === item.id ? null : item.id)}>
                History
              </button>
            </div>
            {historyOf === item.id && <History connection={connection} commentId={item.id} onClose={() => setHistoryOf(null)} />}
          </li>
        ))}
      </ol>
      {nextCursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
      {hiding && (
        <HideDialog
          count={hiding.length}
          onCancel={() => setHiding(null)}
          onHide={(reason, note) => {
            const ids = hiding;
            setHiding(null);
            void act(ids, 'hide', reason, note);
          }}
        />
      )}
    </section>
  );
}
