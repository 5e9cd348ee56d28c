import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './margin-api';

/**
 * One connection to a Margin server: the typed client generated from the committed openapi.json
 * (so an API change breaks this compile), the reader's session (kept in localStorage under the API's
 * origin, access token refreshed before it expires), and the problem+json answers turned into errors.
 */

export type Schemas = components['schemas'];
export type User = Schemas['UserView'];
export type Api = Client<paths>;

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: User;
}

/** An answer that is not 2xx, with the API's stable problem `code` (or NETWORK_ERROR when nothing answered). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
  }
}

interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function problemFrom(response: Response, body: unknown): ApiProblem {
  const problem: ProblemBody = isRecord(body) ? (body as ProblemBody) : {};
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiProblem(
    response.status,
    problem.code ?? (response.status === 404 ? 'NOT_FOUND' : `HTTP_${response.status}`),
    problem.detail ?? problem.title ?? response.statusText,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** The data of an openapi-fetch answer, or its problem thrown. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem(0, 'NETWORK_ERROR', 'The comments server could not be reached');
  }
  if (!result.response.ok) throw problemFrom(result.response, result.error);
  return result.data as T;
}

function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return (payload.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
}

export class Connection {
  readonly api: Api;
  private current: Session | null;
  private refreshing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly storageKey: string;

  constructor(readonly baseUrl: string) {
    this.storageKey = `margin:session:${baseUrl}`;
    this.current = this.load();
    this.api = createClient<paths>({ baseUrl });
    const auth: Middleware = {
      onRequest: async ({ request, schemaPath }) => {
        if (schemaPath.startsWith('/api/v1/auth/')) return request;
        const header = await this.authorization();
        if (header) request.headers.set('Authorization', header);
        return request;
      },
    };
    this.api.use(auth);
  }

  get session(): Session | null {
    return this.current;
  }

  get user(): User | null {
    return this.current?.user ?? null;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signedIn(result: { accessToken: string; refreshToken: string; user: User }): void {
    this.current = { accessToken: result.accessToken, refreshToken: result.refreshToken, user: result.user };
    this.save();
  }

  updateUser(user: User): void {
    if (!this.current) return;
    this.current = { ...this.current, user };
    this.save();
  }

  async signOut(): Promise<void> {
    const session = this.current;
    this.current = null;
    this.save();
    if (session) {
      await this.api
        .POST('/api/v1/auth/logout', { body: { refreshToken: session.refreshToken }, headers: { Authorization: `Bearer ${session.accessToken}` } })
        .catch(() => undefined);
    }
  }

  /** `Bearer …` for the signed-in reader, refreshing the access token first when it has under 30 s left. */
  async authorization(): Promise<string | undefined> {
    if (!this.current) return undefined;
    if (tokenExpiry(this.current.accessToken) - Date.now() < 30_000) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
      await this.refreshing;
    }
    return this.current ? `Bearer ${this.current.accessToken}` : undefined;
  }

  /** A request to an endpoint the generated client does not know yet (see pending.ts). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const authorization = path.startsWith('/api/v1/auth/') ? undefined : await this.authorization();
    if (authorization) headers.Authorization = authorization;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiProblem(0, 'NETWORK_ERROR', 'The comments server could not be reached');
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw problemFrom(response, parsed);
    return parsed as T;
  }

  private async refresh(): Promise<void> {
    const session = this.current;
    if (!session) return;
    const { data, response } = await this.api.POST('/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } }).catch(() => ({
      data: undefined,
      response: undefined,
    }));
    if (data) {
      this.current = { ...session, accessToken: data.accessToken, refreshToken: data.refreshToken };
      this.save();
    } else if (response && response.status === 401) {
      this.current = null;
      this.save();
    }
  }

  private load(): Session | null {
    try {
      const stored = localStorage.getItem(this.storageKey);
      return stored ? (JSON.parse(stored) as Session) : null;
    } catch {
      return null;
    }
  }

  private save(): void {
    try {
      if (this.current) localStorage.setItem(this.storageKey, JSON.stringify(this.current));
      else localStorage.removeItem(this.storageKey);
    } catch {
      // Storage may be unavailable (private mode, sandboxed frame): the session lasts as long as the page.
    }
    for (const listener of this.listeners) listener();
  }
}
