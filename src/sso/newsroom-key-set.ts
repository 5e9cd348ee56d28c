import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, JSONWebKeySet, JWK, JWSHeaderParameters, KeyLike } from 'jose';
import { ssoMetrics } from './sso.metrics';

/** The key set could not be fetched and no fetched key answers the token: a 503, never a 401 for our outage. */
export class NewsroomKeysUnavailable extends Error {}

const FETCH_TIMEOUT_MS = 3000;
const MAX_KEY_SET_BYTES = 256 * 1024;
/** Asymmetric key types only: a symmetric key published at a URL would be a secret anyone can read. */
const ACCEPTED_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

export interface KeySetOptions {
  url: string;
  /** Least time between two fetches caused by an unknown `kid` (or by a failed fetch). */
  refetchIntervalMs: number;
  /** Age after which a fetched set is fetched again in the background (it still serves meanwhile). */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * The newsroom's JSON Web Key Set, fetched on first use and kept: a token whose `kid` is
 * unknown makes it fetch again, at most once per refetch interval whatever the number of
 * such tokens (concurrent ones share one fetch), so a flood of made-up `kid`s cannot hammer
 * the identity service. When the identity service is down, the keys already fetched keep
 * working; only a token none of them matches waits for it (503).
 */
export class NewsroomKeySet {
  private readonly logger = new Logger('NewsroomKeySet');
  private resolve: ((header: JWSHeaderParameters) => Promise<KeyLike>) | null = null;
  private fetchedAt = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastAttemptFailed = false;
  private inFlight: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: KeySetOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The key for a token's protected header; throws jose's JWKSNoMatchingKey (a 401) or NewsroomKeysUnavailable (503). */
  async keyFor(header: JWSHeaderParameters): Promise<KeyLike> {
    if (!this.resolve) {
      if (this.mayFetch()) await this.refetch();
      if (!this.resolve) throw new NewsroomKeysUnavailable('the newsroom key set could not be fetched');
    } else if (this.now() - this.fetchedAt >= this.options.maxAgeMs && this.mayFetch()) {
      this.refetch().catch(() => undefined);
    }
    try {
      return await this.resolve(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (this.mayFetch()) {
        await this.refetch();
      } else if (this.inFlight) {
        await this.inFlight;
      }
      if (this.lastAttemptFailed) throw new NewsroomKeysUnavailable('the newsroom key set could not be fetched again for an unknown key');
      return this.resolve(header);
    }
  }

  /** Resolves once no fetch is under way (a background refresh included). */
  async whenIdle(): Promise<void> {
    await this.inFlight;
  }

  private mayFetch(): boolean {
    return this.inFlight === null && this.now() - this.lastAttemptAt >= this.options.refetchIntervalMs;
  }

  /** One fetch at a time: callers that arrive while one runs wait for it. */
  private refetch(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    this.lastAttemptAt = this.now();
    try {
      const keys = await this.download();
      this.resolve = createLocalJWKSet(keys);
      this.fetchedAt = this.now();
      this.lastAttemptFailed = false;
      ssoMetrics.jwksFetches.inc({ outcome: 'ok' });
    } catch (error) {
      this.lastAttemptFailed = true;
      ssoMetrics.jwksFetches.inc({ outcome: 'failed' });
      this.logger.warn(`Could not fetch the newsroom key set (SSO_JWKS_URL): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async download(): Promise<JSONWebKeySet> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      redirect: 'follow',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`it answered HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_KEY_SET_BYTES) throw new Error('it is larger than 256 KiB');
    const body = JSON.parse(text) as { keys?: unknown };
    if (!body || !Array.isArray(body.keys)) throw new Error('it is not a JSON Web Key Set ({"keys": [...]})');
    const keys = (body.keys as JWK[]).filter((key) => key && typeof key === 'object' && ACCEPTED_KEY_TYPES.has(key.kty ?? '') && !('d' in key));
    return { keys };
  }
}
