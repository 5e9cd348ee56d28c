import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvironmentVariables } from './environment';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

/** How often each replica's lag is measured (src/database/replica-reads.ts). */
export const LAG_PROBE_SECONDS = 1;

export class ConfigurationError extends Error {}

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
  readonly corsOrigins: string[];
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
  /** How long SIGTERM/SIGINT waits for in-flight requests before closing their connections. */
  readonly shutdownGraceSeconds: number;

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
  if (env.READ_YOUR_WRITES_SECONDS < env.REPLICA_MAX_LAG_SECONDS + 2 * LAG_PROBE_SECONDS) {
    // Past the window a writer's reads may go to a replica, which then must hold the write: a lag
    // measurement is short by up to one probe interval, and is used for one more.
    throw new ConfigurationError(
      `Invalid configuration: READ_YOUR_WRITES_SECONDS: must be at least REPLICA_MAX_LAG_SECONDS + ${2 * LAG_PROBE_SECONDS} (two lag probe intervals)`,
    );
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
    corsOrigins: env.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
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
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
  });
}
