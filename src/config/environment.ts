import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsTrustProxy } from './trust-proxy';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
/** For boolean variables (`true`/`1`/`yes`, `false`/`0`/`no`/empty). */
export const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no', ''].includes(normalized)) return false;
  return value;
};

/**
 * Every environment variable the service reads, with its default. `.env.example`
 * and the README's configuration table list the same names.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Streaming replicas for reads marked lag-tolerant, comma-separated postgres:// URLs. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/[^,\s]+(\s*,\s*postgres(ql)?:\/\/[^,\s]+)*$/, { message: 'must be comma-separated postgres:// connection URLs' })
  DATABASE_REPLICA_URLS?: string;

  // A replica further behind than this gets no reads until it catches up.
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  REPLICA_MAX_LAG_SECONDS = 2;

  // After a write, its reader's lag-tolerant reads go to the primary for this long; at least REPLICA_MAX_LAG_SECONDS + 2.
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  READ_YOUR_WRITES_SECONDS = 5;

  @IsString()
  DATA_DIR = '.data';

  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(toInt) @IsInt() @Min(30) @Max(900)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(1) @Max(30)
  REFRESH_TOKEN_TTL_DAYS = 30;

  @IsString()
  CORS_ORIGINS = '';

  @IsString()
  EMBED_ORIGINS = '';

  @IsTrustProxy()
  TRUST_PROXY = 'false';

  @Transform(toInt) @IsInt() @Min(1024) @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 100 * 1024;

  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_MAX = 600;

  @Transform(toInt) @IsInt() @Min(1)
  AUTH_RATE_LIMIT_MAX = 10;

  @Transform(toInt) @IsInt() @Min(1)
  COMMENT_RATE_LIMIT_MAX = 5;

  @Transform(toInt) @IsInt() @Min(1)
  COMMENT_RATE_LIMIT_WINDOW_SECONDS = 60;

  @Transform(toInt) @IsInt() @Min(1)
  CHECKOUT_RATE_LIMIT_MAX = 10;

  @IsOptional() @IsEmail()
  ADMIN_EMAIL?: string;

  @ValidateIf((env: EnvironmentVariables) => env.ADMIN_EMAIL !== undefined)
  @IsString()
  @MinLength(10, { message: 'must be at least 10 characters (required with ADMIN_EMAIL)' })
  ADMIN_PASSWORD?: string;

  /** The operator's explicit decision to make an already registered ADMIN_EMAIL account admin. */
  @Transform(toBoolean) @IsBoolean()
  ADMIN_PROMOTE_EXISTING = false;

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  CMS_API_KEY?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string;

  @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// URL' })
  REDIS_URL?: string;

  // 0 turns the thread cache off; the ceiling keeps a typo from promising more memory than a process has.
  @Transform(toInt) @IsInt() @Min(0) @Max(4 * 1024 * 1024 * 1024)
  THREAD_CACHE_MAX_BYTES = 32 * 1024 * 1024;

  @IsOptional() @Matches(/^(sk|rk)_(test|live)_\w+$/, { message: 'must be a Stripe secret key (sk_test_… or sk_live_…)' })
  STRIPE_SECRET_KEY?: string;

  @IsOptional() @IsString() @Matches(/^whsec_\w+$/, { message: 'must be a Stripe webhook secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET?: string;

  @IsOptional() @IsString()
  STRIPE_API_HOST?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  STRIPE_API_PORT?: number;

  @IsOptional() @IsIn(['http', 'https'])
  STRIPE_API_PROTOCOL?: 'http' | 'https';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_SITE_URL = 'http://localhost:3000';

  @Transform(toInt) @IsInt() @Min(1) @Max(3660)
  SUPPORTER_ONE_OFF_DAYS = 90;

  /** Where e-mail goes: `smtp://user:pass@host:port` or `smtps://…`; unset outside production, e-mails are written to DATA_DIR/mail. */
  @IsOptional() @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of every e-mail: an address, or `Name <address>`. */
  @Matches(/^([^<>\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, { message: 'must be an address or "Name <address>"' })
  MAIL_FROM = 'Margin <no-reply@localhost>';

  /** Production without SMTP_URL: `true` is the operator's decision to send no e-mail at all. */
  @Transform(toBoolean) @IsBoolean()
  MAIL_DISABLED = false;

  /** How long one SMTP connection, greeting or command may take before the send is failed and retried later. */
  @Transform(toInt) @IsInt() @Min(1) @Max(600)
  SMTP_TIMEOUT_SECONDS = 30;

  @Transform(toInt) @IsInt() @Min(0) @Max(600)
  SHUTDOWN_GRACE_SECONDS = 10;

  @Transform(toInt) @IsInt() @Min(100) @Max(30_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  @Transform(toInt) @IsInt() @Min(1) @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  @Transform(toInt) @IsInt() @Min(1) @Max(604_800)
  WEBHOOK_RETRY_WINDOW_SECONDS = 86_400;

  @Transform(toBoolean) @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_URLS = false;
  /** Open live streams (Server-Sent Events) one client address may hold at once; more get 429. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LIVE_MAX_STREAMS_PER_CLIENT = 20;

  /** Seconds between `: heartbeat` comments on every live stream (fractions allowed, for tests). */
  @Transform(toNumber) @IsNumber() @Min(0.05) @Max(300)
  LIVE_HEARTBEAT_SECONDS = 25;

  /** Bytes a live stream may have waiting for a slow client before it is dropped (the client reconnects and resumes). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024)
  LIVE_STREAM_BUFFER_BYTES = 65_536;

  /** How far back `Last-Event-ID` resumption reaches on an instance; older gaps get `event: reset`. */
  @Transform(toNumber) @IsNumber() @Min(0.1) @Max(3600)
  LIVE_REPLAY_WINDOW_SECONDS = 300;

  /** How long a live-stream ticket stays valid (single use). */
  @Transform(toNumber) @IsNumber() @Min(0.1) @Max(600)
  LIVE_TICKET_TTL_SECONDS = 60;

  /** The newsroom identity service's JSON Web Key Set (RS256, ES256, EdDSA keys). */
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SSO_JWKS_URL?: string;

  /** Comma-separated HS256 secrets, every one accepted (rotation without downtime). */
  @IsOptional()
  @Matches(/^\s*[^,\s]{32,}\s*(,\s*[^,\s]{32,}\s*)*$/, { message: 'must be comma-separated secrets of at least 32 characters each' })
  SSO_SECRETS?: string;

  @ValidateIf((env: EnvironmentVariables) => env.SSO_JWKS_URL !== undefined || env.SSO_SECRETS !== undefined || env.SSO_ISSUER !== undefined)
  @IsString({ message: 'must be set with SSO_JWKS_URL or SSO_SECRETS (the iss every newsroom token carries)' })
  @MinLength(1)
  SSO_ISSUER?: string;

  @ValidateIf((env: EnvironmentVariables) => env.SSO_JWKS_URL !== undefined || env.SSO_SECRETS !== undefined || env.SSO_AUDIENCE !== undefined)
  @IsString({ message: 'must be set with SSO_JWKS_URL or SSO_SECRETS (the aud every newsroom token carries)' })
  @MinLength(1)
  SSO_AUDIENCE?: string;

  /** How far the newsroom's clock may be off ours when exp, iat and nbf are checked. */
  @Transform(toInt) @IsInt() @Min(0) @Max(300)
  SSO_CLOCK_SKEW_SECONDS = 10;

  /** The least time between two fetches of the key set caused by an unknown `kid`. */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600)
  SSO_JWKS_REFETCH_INTERVAL_SECONDS = 30;

  /** How long a fetched key set is used before it is fetched again (in the background; the old one serves meanwhile). */
  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  SSO_JWKS_CACHE_SECONDS = 600;
}
