import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvironmentVariables } from './environment';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

/** How often each replica's lag is measured (src/database/replica-reads.ts). */
export const LAG_PROBE_SECONDS = 1;

export class ConfigurationError extends Error {}

export interface SsoConfig {
  jwksUrl?: string;
  secrets: string[];
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  jwksRefetchIntervalSeconds: number;
  jwksCacheSeconds: number;
}

/** The validated, typed configuration every module reads; `process.env` is read only here. */
export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly databaseUrl?: string;
  readonly databasePoolSize: number;
  /** Replicas for lag-tolerant reads (empty: every read goes to the primary). */
  readonly databaseReplicaUrls: string[];
  readonly replicaMaxLagSeconds: number;
  readonly readYourWritesSeconds: number;
  readonly dataDir: string;
  readonly jwtSecret: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlDays: number;
  /** Browser origins allowed to call the API: CORS_ORIGINS and EMBED_ORIGINS together. */
  readonly corsOrigins: string[];
  /** The newsroom sites that embed the comments: allowed by CORS, and the only pages that may frame /embed/frame. */
  readonly embedOrigins: string[];
  readonly trustProxy: TrustProxy;
  readonly bodyLimitBytes: number;
  readonly rateLimit: { windowSeconds: number; max: number; authMax: number; checkoutMax: number };
  readonly commentRateLimit: { max: number; windowSeconds: number };
  readonly admin?: { email: string; password: string; promoteExisting: boolean };
  readonly cmsApiKey?: string;
  readonly redisUrl?: string;
  readonly metricsToken?: string;
  /** Byte budget of the in-process thread cache (least recently used pages go first). */
  readonly threadCacheMaxBytes: number;
  readonly stripe: {
    secretKey?: string;
    webhookSecret?: string;
    apiHost?: string;
    apiPort?: number;
    apiProtocol?: 'http' | 'https';
  };
  readonly publicSiteUrl: string;
  readonly supporterOneOffDays: number;
  /** E-mail delivery: `smtpUrl` unset means files under DATA_DIR/mail (outside production) or, with `disabled`, nothing. */
  readonly mail: { smtpUrl?: string; from: string; disabled: boolean; timeoutSeconds: number };
  /** Newsroom sign-in; `null` when neither SSO_JWKS_URL nor SSO_SECRETS is set (the endpoint answers 404). */
  readonly sso: SsoConfig | null;
  /** How long SIGTERM/SIGINT waits for in-flight requests before closing their connections. */
  readonly shutdownGraceSeconds: number;
  /** Outbound webhooks: time per attempt, first retry delay, how long an event is retried, whether private addresses may be called. */
  readonly webhooks: { timeoutMs: number; retryBaseMs: number; retryWindowSeconds: number; allowPrivateUrls: boolean };
  /** Live threads (Server-Sent Events): per-client cap, heartbeat, slow-client buffer, resumption window, ticket lifetime. */
  readonly live: {
    maxStreamsPerClient: number;
    heartbeatMs: number;
    streamBufferBytes: number;
    replayWindowMs: number;
    ticketTtlMs: number;
  };

  constructor(values: Omit<AppConfig, 'withOverrides'>) {
    Object.assign(this, values);
  }

  withOverrides(overrides: Partial<Omit<AppConfig, 'withOverrides'>>): AppConfig {
    return new AppConfig({ ...this, ...overrides });
  }
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`)
    .join('; ');
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

function originList(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

/** Validates the environment and fails with one line that names each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv): AppConfig {
  const defined = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const env = plainToInstance(EnvironmentVariables, defined);
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigurationError(`Invalid configuration: ${describe(errors)}`);
  }
  if (!env.JWT_SECRET) {
    throw new ConfigurationError('Invalid configuration: JWT_SECRET: must be set (at least 32 characters)');
  }
  const usesStripeTestDouble = env.STRIPE_API_HOST || env.STRIPE_API_PORT || env.STRIPE_API_PROTOCOL;
  if (usesStripeTestDouble && !env.STRIPE_SECRET_KEY?.startsWith('sk_test_')) {
    throw new ConfigurationError(
      'Invalid configuration: STRIPE_API_HOST/PORT/PROTOCOL: only allowed with a test key (sk_test_…)',
    );
  }
  if (env.NODE_ENV === 'production' && !env.SMTP_URL && !env.MAIL_DISABLED) {
    throw new ConfigurationError(
      'Invalid configuration: SMTP_URL: must be set in production (or set MAIL_DISABLED=true to send no e-mail)',
    );
  }
  if (env.READ_YOUR_WRITES_SECONDS < env.REPLICA_MAX_LAG_SECONDS + 2 * LAG_PROBE_SECONDS) {
    // Past the window a writer's reads may go to a replica, which then must hold the write: a lag
    // measurement is short by up to one probe interval, and is used for one more.
    throw new ConfigurationError(
      `Invalid configuration: READ_YOUR_WRITES_SECONDS: must be at least REPLICA_MAX_LAG_SECONDS + ${2 * LAG_PROBE_SECONDS} (two lag probe intervals)`,
    );
  }
  const badOrigin = originList(env.EMBED_ORIGINS).find((origin) => !ORIGIN.test(origin));
  if (badOrigin !== undefined) {
    throw new ConfigurationError(`Invalid configuration: EMBED_ORIGINS: "${badOrigin}" is not an origin (scheme://host[:port])`);
  }
  return new AppConfig({
    nodeEnv: env.NODE_ENV as AppConfig['nodeEnv'],
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseReplicaUrls: (env.DATABASE_REPLICA_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean),
    replicaMaxLagSeconds: env.REPLICA_MAX_LAG_SECONDS,
    readYourWritesSeconds: env.READ_YOUR_WRITES_SECONDS,
    dataDir: env.DATA_DIR,
    jwtSecret: env.JWT_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    corsOrigins: [...new Set([...originList(env.CORS_ORIGINS), ...originList(env.EMBED_ORIGINS)])],
    embedOrigins: originList(env.EMBED_ORIGINS),
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      max: env.RATE_LIMIT_MAX,
      authMax: env.AUTH_RATE_LIMIT_MAX,
      checkoutMax: env.CHECKOUT_RATE_LIMIT_MAX,
    },
    commentRateLimit: { max: env.COMMENT_RATE_LIMIT_MAX, windowSeconds: env.COMMENT_RATE_LIMIT_WINDOW_SECONDS },
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, promoteExisting: env.ADMIN_PROMOTE_EXISTING }
        : undefined,
    cmsApiKey: env.CMS_API_KEY,
    redisUrl: env.REDIS_URL,
    metricsToken: env.METRICS_TOKEN,
    threadCacheMaxBytes: env.THREAD_CACHE_MAX_BYTES,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      apiHost: env.STRIPE_API_HOST,
      apiPort: env.STRIPE_API_PORT,
      apiProtocol: env.STRIPE_API_PROTOCOL,
    },
    publicSiteUrl: env.PUBLIC_SITE_URL.replace(/\/+$/, ''),
    supporterOneOffDays: env.SUPPORTER_ONE_OFF_DAYS,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, disabled: env.MAIL_DISABLED, timeoutSeconds: env.SMTP_TIMEOUT_SECONDS },
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      retryWindowSeconds: env.WEBHOOK_RETRY_WINDOW_SECONDS,
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
    },
    live: {
      maxStreamsPerClient: env.LIVE_MAX_STREAMS_PER_CLIENT,
      heartbeatMs: Math.round(env.LIVE_HEARTBEAT_SECONDS * 1000),
      streamBufferBytes: env.LIVE_STREAM_BUFFER_BYTES,
      replayWindowMs: Math.round(env.LIVE_REPLAY_WINDOW_SECONDS * 1000),
      ticketTtlMs: Math.round(env.LIVE_TICKET_TTL_SECONDS * 1000),
    },
    sso: ssoConfig(env),
  });
}

function ssoConfig(env: EnvironmentVariables): SsoConfig | null {
  const secrets = (env.SSO_SECRETS ?? '').split(',').map((secret) => secret.trim()).filter(Boolean);
  if (!env.SSO_JWKS_URL && secrets.length === 0) return null;
  return {
    jwksUrl: env.SSO_JWKS_URL,
    secrets,
    // Both are required with a key (checked above); the fallbacks only satisfy the types.
    issuer: env.SSO_ISSUER ?? '',
    audience: env.SSO_AUDIENCE ?? '',
    clockSkewSeconds: env.SSO_CLOCK_SKEW_SECONDS,
    jwksRefetchIntervalSeconds: env.SSO_JWKS_REFETCH_INTERVAL_SECONDS,
    jwksCacheSeconds: env.SSO_JWKS_CACHE_SECONDS,
  };
}
