import { useEffect, useState } from 'preact/hooks';
import { type Connection, type Schemas, unwrap } from '../api/connection';
import { messageFor } from '../api/problems';
import { money } from '../embed/appeal';
import { when } from '../embed/thread';

type ModerationSettings = Omit<Schemas['ModerationSettingsView'], 'updatedAt'>;
type Webhook = Schemas['WebhookView'];
type WebhookDelivery = Schemas['WebhookDeliveryView'];
type WebhookEvent = Schemas['UpsertWebhookDto']['events'][number];
const WEBHOOK_EVENTS: WebhookEvent[] = ['comment.created', 'comment.moderated', 'article.commentsClosed', 'donation.succeeded', 'donation.refunded'];

function Problem(props: { text: string | null }) {
  return props.text ? (
    <p class="message" role="alert">
      {props.text}
    </p>
  ) : null;
}

export function AuditLog(props: { connection: Connection }) {
  const { api } = props.connection;
  const [items, setItems] = useState<Schemas['AuditEntryView'][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const load = (from?: string) =>
    unwrap(api.GET('/api/v1/admin/audit-log', { params: { query: { limit: 50, ...(from ? { cursor: from } : {}) } } })).then(
      (page) => {
        setItems((existing) => (from ? [...existing, ...page.items] : page.items));
        setCursor(page.nextCursor);
      },
      (error: unknown) => setProblem(messageFor(error)),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <Problem text={problem} />
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {items.map((entry) => (
            <tr key={entry.id}>
              <td>{when(entry.createdAt)}</td>
              <td>{entry.actor?.displayName ?? 'erased account'}</td>
              <td>{entry.action}</td>
              <td>
                {entry.targetType} {entry.targetId}
              </td>
              <td>
                {entry.reason ?? ''}
                {entry.note ? ` — ${entry.note}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}

const words = (text: string) =>
  text
    .split('\n')
    .map((word) => word.trim())
    .filter(Boolean);

/** Every moderation setting, read and saved whole (PUT /admin/settings/moderation). */
export function Settings(props: { connection: Connection }) {
  const { api } = props.connection;
  const [settings, setSettings] = useState<ModerationSettings | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    unwrap(api.GET('/api/v1/admin/settings/moderation')).then(
      ({ updatedAt: _, ...current }) => setSettings(current),
      (error: unknown) => setProblem(messageFor(error)),
    );
  }, []);
  if (!settings)
    return (
      <section>
        <h1>Moderation settings</h1>
        <Problem text={problem} />
      </section>
    );
  const set = (change: Partial<ModerationSettings>) => setSettings({ ...settings, ...change });
  const external = settings.externalModeration;
  return (
    <form
      aria-labelledby="settings-title"
      onSubmit={(event) => {
        event.preventDefault();
        setProblem(null);
        setSaved('');
        unwrap(api.PUT('/api/v1/admin/settings/moderation', { body: settings })).then(
          ({ updatedAt: _, ...current }) => {
            setSettings(current);
            setSaved(`Saved at ${new Date().toLocaleTimeString()}`);
          },
          (error: unknown) => setProblem(messageFor(error)),
        );
      }}
    >
      <h1 id="settings-title">Moderation settings</h1>
      <Problem text={problem} />
      <label for="banned-words">Banned words (one per line: comments with them wait for approval)</label>
      <textarea id="banned-words" value={settings.bannedWords.join('\n')} onInput={(event) => set({ bannedWords: words(event.currentTarget.value) })} />
      <label for="suspect-words">Suspect words (one per line: published, and reported to the queue)</label>
      <textarea id="suspect-words" value={settings.suspectWords.join('\n')} onInput={(event) => set({ suspectWords: words(event.currentTarget.value) })} />
      <label class="check">
        <input type="checkbox" checked={settings.premoderateNewReaders} onChange={(event) => set({ premoderateNewReaders: event.currentTarget.checked })} /> Premoderate new readers
        (fewer than 3 approved comments)
      </label>
      <label class="check">
        <input type="checkbox" checked={settings.premoderateLinks} onChange={(event) => set({ premoderateLinks: event.currentTarget.checked })} /> Premoderate comments with links
      </label>
      <label for="close-after">Close comments this many days after publication (empty: never)</label>
      <input
        id="close-after"
        type="number"
        min={1}
        max={3650}
        value={settings.closeAfterDays ?? ''}
        onInput={(event) => set({ closeAfterDays: event.currentTarget.value ? Number(event.currentTarget.value) : null })}
      />
      <fieldset>
        <legend>External moderation</legend>
        <label for="external-url">URL (empty: off)</label>
        <input
          id="external-url"
          type="url"
          value={external?.url ?? ''}
          onInput={(event) => set({ externalModeration: event.currentTarget.value ? { secret: '', timeoutMs: 800, ...external, url: event.currentTarget.value } : null })}
        />
        {external && (
          <>
            <label for="external-secret">Signing secret</label>
            <input id="external-secret" type="password" required value={external.secret} onInput={(event) => set({ externalModeration: { ...external, secret: event.currentTarget.value } })} />
            <label for="external-timeout">Timeout (ms, at most 3000)</label>
            <input
              id="external-timeout"
              type="number"
              min={1}
              max={3000}
              required
              value={external.timeoutMs}
              onInput={(event) => set({ externalModeration: { ...external, timeoutMs: Number(event.currentTarget.value) } })}
            />
          </>
        )}
      </fieldset>
      <div class="row">
        <button type="submit" class="primary">
          Save settings
        </button>
        <span class="muted" aria-live="polite">
          {saved}
        </span>
      </div>
    </form>
  );
}

export function Appeals(props: { connection: Connection }) {
  const { api } = props.connection;
  const [id, setId] = useState('default');
  const [headline, setHeadline] = useState('');
  const [body, setBody] = useState('');
  const [amounts, setAmounts] = useState('300, 500, 1000');
  const [currency, setCurrency] = useState('gbp');
  const [frequencies, setFrequencies] = useState<Array<'one_off' | 'monthly' | 'annual'>>(['one_off', 'monthly', 'annual']);
  const [active, setActive] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const parsed = amounts
    .split(',')
    .map((value) => Math.round(Number(value.trim())))
    .filter((value) => value > 0);
  return (
    <form
      aria-labelledby="appeals-title"
      onSubmit={(event) => {
        event.preventDefault();
        setProblem(null);
        const sorted = [...parsed].sort((a, b) => a - b);
        const options = { amounts: parsed, defaultAmount: parsed[Math.floor(parsed.length / 2)] ?? 500, min: Math.min(100, sorted[0] ?? 100), max: Math.max(100000, sorted[sorted.length - 1] ?? 0) };
        unwrap(api.PUT('/api/v1/admin/appeals/{id}', { params: { path: { id } }, body: { headline, body, currencies: { [currency]: options }, frequencies, active } })).then(
          () => setSaved(`Appeal “${id}” saved`),
          (error: unknown) => setProblem(messageFor(error)),
        );
      }}
    >
      <h1 id="appeals-title">Support appeals</h1>
      <p class="muted">The appeal with id “default” is shown under every article without one of its own.</p>
      <Problem text={problem} />
      <label for="appeal-id">Appeal id</label>
      <input id="appeal-id" required value={id} onInput={(event) => setId(event.currentTarget.value)} />
      <label for="appeal-headline">Headline</label>
      <input id="appeal-headline" required value={headline} onInput={(event) => setHeadline(event.currentTarget.value)} />
      <label for="appeal-body">Text</label>
      <textarea id="appeal-body" required value={body} onInput={(event) => setBody(event.currentTarget.value)} />
      <label for="appeal-currency">Currency</label>
      <input id="appeal-currency" pattern="[a-z]{3}" required value={currency} onInput={(event) => setCurrency(event.currentTarget.value.toLowerCase())} />
      <label for="appeal-amounts">Suggested amounts in minor units, comma-separated</label>
      <input id="appeal-amounts" required value={amounts} onInput={(event) => setAmounts(event.currentTarget.value)} />
      <p class="muted">{parsed.map((value) => money(value, currency)).join(' · ')}</p>
      <fieldset>
        <legend>Frequencies</legend>
        {(['one_off', 'monthly', 'annual'] as const).map((value) => (
          <label class="check">
            <input
              type="checkbox"
              checked={frequencies.includes(value)}
              onChange={(event) => setFrequencies(event.currentTarget.checked ? [...frequencies, value] : frequencies.filter((one) => one !== value))}
            />{' '}
            {value}
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.currentTarget.checked)} /> Active
      </label>
      <div class="row">
        <button type="submit" class="primary">
          Save appeal
        </button>
        <span class="muted" aria-live="polite">
          {saved}
        </span>
      </div>
    </form>
  );
}

export function Donations(props: { connection: Connection }) {
  const { api } = props.connection;
  const [articleId, setArticleId] = useState('');
  const [totals, setTotals] = useState<Schemas['DonationTotalView'][] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const load = () =>
    unwrap(api.GET('/api/v1/admin/donations/summary', { params: { query: articleId ? { articleId } : {} } })).then(
      (summary) => setTotals(summary.totals),
      (error: unknown) => setProblem(messageFor(error)),
    );
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="donations-title">
      <h1 id="donations-title">Donations</h1>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        <label for="donations-article">Article id (empty: all)</label>
        <input id="donations-article" value={articleId} onInput={(event) => setArticleId(event.currentTarget.value)} />
        <button type="submit">Show</button>
      </form>
      <Problem text={problem} />
      {totals && totals.length === 0 && <p class="muted">No donations yet.</p>}
      {totals && totals.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Article</th>
              <th scope="col">Appeal</th>
              <th scope="col">Frequency</th>
              <th scope="col">Payments</th>
              <th scope="col">Gross</th>
              <th scope="col">Refunded</th>
              <th scope="col">Disputed</th>
              <th scope="col">Net</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((total) => (
              <tr>
                <td>{total.articleId}</td>
                <td>{total.appealId}</td>
                <td>{total.frequency}</td>
                <td>{total.count}</td>
                <td>{money(total.gross, total.currency)}</td>
                <td>{money(total.refunded, total.currency)}</td>
                <td>{money(total.disputed, total.currency)}</td>
                <td>{money(total.net, total.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const emptyHook = () => ({ id: '', url: '', secret: '', events: [...WEBHOOK_EVENTS], editing: false });

/** Outbound webhooks (admins): list, add, edit (the secret kept unless a new one is typed), delete, deliveries. */
export function Webhooks(props: { connection: Connection }) {
  const { api } = props.connection;
  const [items, setItems] = useState<Webhook[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<{ hook: Webhook; items: WebhookDelivery[]; cursor: string | null } | null>(null);
  const [form, setForm] = useState(emptyHook());
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const failed = (error: unknown) => setProblem(messageFor(error));
  const load = (from?: string) =>
    unwrap(api.GET('/api/v1/admin/webhooks', { params: { query: { limit: 50, ...(from ? { cursor: from } : {}) } } })).then((page) => {
      setItems((existing) => (from ? [...existing, ...page.items] : page.items));
      setCursor(page.nextCursor);
    }, failed);
  const loadDeliveries = (hook: Webhook, from?: string) =>
    unwrap(api.GET('/api/v1/admin/webhooks/{id}/deliveries', { params: { path: { id: hook.id }, query: { limit: 50, ...(from ? { cursor: from } : {}) } } })).then(
      (page) => setDeliveries((shown) => ({ hook, items: from && shown ? [...shown.items, ...page.items] : page.items, cursor: page.nextCursor })),
      failed,
    );
  useEffect(() => void load(), []);
  const { editing } = form;
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <Problem text={problem} />
      {items.length === 0 && <p class="muted">No webhooks yet.</p>}
      <ul aria-label="Webhooks">
        {items.map((hook) => (
          <li class="item" key={hook.id}>
            <strong>{hook.id}</strong> → {hook.url}{' '}
            <span class="muted">
              {hook.events.join(', ')} · secret {hook.secretHint}
            </span>{' '}
            <button type="button" onClick={() => void loadDeliveries(hook)}>
              Deliveries
            </button>{' '}
            <button type="button" onClick={() => setForm({ id: hook.id, url: hook.url, secret: '', events: [...hook.events], editing: true })}>
              Edit
            </button>{' '}
            <button
              type="button"
              onClick={() =>
                confirm(`Delete the webhook ${hook.id}?`) &&
                void unwrap(api.DELETE('/api/v1/admin/webhooks/{id}', { params: { path: { id: hook.id } } })).then(() => {
                  if (deliveries?.hook.id === hook.id) setDeliveries(null);
                  return load();
                }, failed)
              }
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          More webhooks
        </button>
      )}
      {deliveries && (
        <>
          <table>
            <caption>Deliveries of {deliveries.hook.id}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Next attempt</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.items.map((delivery) => (
                <tr key={delivery.id}>
                  <td>{when(delivery.createdAt)}</td>
                  <td>{delivery.event}</td>
                  <td>{delivery.status}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastStatusCode ?? delivery.lastError ?? '—'}</td>
                  <td>{delivery.nextAttemptAt ? when(delivery.nextAttemptAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {deliveries.items.length === 0 && <p class="muted">Nothing sent yet.</p>}
          <div class="row">
            {deliveries.cursor && (
              <button type="button" onClick={() => void loadDeliveries(deliveries.hook, deliveries.cursor ?? undefined)}>
                More deliveries
              </button>
            )}
            <button type="button" onClick={() => void loadDeliveries(deliveries.hook)}>
              Refresh deliveries
            </button>
          </div>
        </>
      )}
      <form
        aria-labelledby="hook-form-title"
        onSubmit={(event) => {
          event.preventDefault();
          setProblem(null);
          setSaved('');
          const { id } = form;
          const body = { url: form.url, events: form.events, ...(form.secret ? { secret: form.secret } : {}) };
          unwrap(api.PUT('/api/v1/admin/webhooks/{id}', { params: { path: { id } }, body })).then((hook) => {
            setSaved(`Webhook ${hook.id} saved`);
            setForm(emptyHook());
            return load();
          }, failed);
        }}
      >
        <h2 id="hook-form-title">{editing ? 'Edit the webhook' : 'Add a webhook'}</h2>
        <label for="hook-id">Id (letters, digits and . _ : -; an existing id is replaced)</label>
        <input id="hook-id" required pattern="[A-Za-z0-9._:\-]{1,128}" maxLength={128} readOnly={editing} value={form.id} onInput={(event) => setForm({ ...form, id: event.currentTarget.value })} />
        <label for="hook-url">URL</label>
        <input id="hook-url" type="url" required value={form.url} onInput={(event) => setForm({ ...form, url: event.currentTarget.value })} />
        <label for="hook-secret">{editing ? 'New signing secret (empty: keep the current one)' : 'Signing secret (at least 16 characters)'}</label>
        <input
          id="hook-secret"
          type="password"
          autoComplete="new-password"
          required={!editing}
          minLength={16}
          maxLength={256}
          value={form.secret}
          onInput={(event) => setForm({ ...form, secret: event.currentTarget.value })}
        />
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <label class="check">
              <input
                type="checkbox"
                checked={form.events.includes(name)}
                onChange={(event) => setForm({ ...form, events: event.currentTarget.checked ? [...form.events, name] : form.events.filter((one) => one !== name) })}
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
        <div class="row">
          <button type="submit" class="primary">
            Save webhook
          </button>
          {editing && (
            <button type="button" onClick={() => setForm(emptyHook())}>
              Cancel
            </button>
          )}
          <span class="muted" aria-live="polite">
            {saved}
          </span>
        </div>
      </form>
    </section>
  );
}
