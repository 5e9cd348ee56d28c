import { ConfigurationError, loadConfig } from './app-config';

const base = { JWT_SECRET: 'x'.repeat(32) };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toEqual(
      expect.objectContaining({
        nodeEnv: 'development',
        port: 3000,
        accessTokenTtlSeconds: 900,
        refreshTokenTtlDays: 30,
        trustProxy: false,
        corsOrigins: [],
        supporterOneOffDays: 90,
      }),
    );
  });

  it('has the live streams\' documented defaults, and takes fractions of a second where tests need them', () => {
    expect(loadConfig(base).live).toEqual({ maxStreamsPerClient: 20, heartbeatMs: 25_000, streamBufferBytes: 65_536, replayWindowMs: 300_000, ticketTtlMs: 60_000 });
    const quick = loadConfig({ ...base, LIVE_HEARTBEAT_SECONDS: '0.2', LIVE_REPLAY_WINDOW_SECONDS: '1.5', LIVE_TICKET_TTL_SECONDS: '0.3' });
    expect([quick.live.heartbeatMs, quick.live.replayWindowMs, quick.live.ticketTtlMs]).toEqual([200, 1500, 300]);
  });

  it('parses numbers, booleans and lists', () => {
    const config = loadConfig({ ...base, PORT: '8080', TRUST_PROXY: 'true', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.port).toBe(8080);
    // `true` is one trusted hop, not every hop (see trust-proxy.ts).
    expect(config.trustProxy).toBe(1);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('lets the embedding sites (EMBED_ORIGINS) call the API too, once each', () => {
    const config = loadConfig({ ...base, CORS_ORIGINS: 'https://a.example', EMBED_ORIGINS: 'https://news.example/, https://a.example' });
    expect(config.embedOrigins).toEqual(['https://news.example', 'https://a.example']);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://news.example']);
  });

  it.each(['news.example', 'https://news.example/path', "https://news.example; script-src *", 'https://a.example https://b.example'])(
    'refuses EMBED_ORIGINS=%p: it goes into a Content-Security-Policy header',
    (value) => {
      expect(() => loadConfig({ ...base, EMBED_ORIGINS: value })).toThrow(/EMBED_ORIGINS/);
    },
  );

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ ACCESS_TOKEN_TTL_SECONDS: '3600' }, 'ACCESS_TOKEN_TTL_SECONDS'],
    [{ REFRESH_TOKEN_TTL_DAYS: '90' }, 'REFRESH_TOKEN_TTL_DAYS'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ SHUTDOWN_GRACE_SECONDS: '-1' }, 'SHUTDOWN_GRACE_SECONDS'],
    [{ LIVE_MAX_STREAMS_PER_CLIENT: '0' }, 'LIVE_MAX_STREAMS_PER_CLIENT'],
    [{ LIVE_HEARTBEAT_SECONDS: 'often' }, 'LIVE_HEARTBEAT_SECONDS'],
    [{ LIVE_HEARTBEAT_SECONDS: '0.01' }, 'LIVE_HEARTBEAT_SECONDS'],
    [{ LIVE_STREAM_BUFFER_BYTES: '100' }, 'LIVE_STREAM_BUFFER_BYTES'],
    [{ LIVE_TICKET_TTL_SECONDS: '-5' }, 'LIVE_TICKET_TTL_SECONDS'],
    [{ SSO_SECRETS: 'too-short', SSO_ISSUER: 'i', SSO_AUDIENCE: 'a' }, 'SSO_SECRETS'],
    [{ SSO_SECRETS: `${'s'.repeat(32)},short`, SSO_ISSUER: 'i', SSO_AUDIENCE: 'a' }, 'SSO_SECRETS'],
    [{ SSO_JWKS_URL: 'https://id.example/jwks', SSO_AUDIENCE: 'a' }, 'SSO_ISSUER'],
    [{ SSO_SECRETS: 's'.repeat(32), SSO_ISSUER: 'i' }, 'SSO_AUDIENCE'],
    [{ SSO_JWKS_URL: 'ftp://id.example/jwks', SSO_ISSUER: 'i', SSO_AUDIENCE: 'a' }, 'SSO_JWKS_URL'],
    [{ SSO_JWKS_REFETCH_INTERVAL_SECONDS: '-1' }, 'SSO_JWKS_REFETCH_INTERVAL_SECONDS'],
  ])('refuses %p with one line naming the variable', (env, name) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigurationError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(new RegExp(`^Invalid configuration: .*${name}`));
  });

  it('reads replica URLs as a list, with lag bound and read-your-writes window', () => {
    const config = loadConfig({ ...base, DATABASE_REPLICA_URLS: 'postgres://a:5433/db, postgres://b:5434/db', REPLICA_MAX_LAG_SECONDS: '3', READ_YOUR_WRITES_SECONDS: '5' });
    expect(config.databaseReplicaUrls).toEqual(['postgres://a:5433/db', 'postgres://b:5434/db']);
    expect([config.replicaMaxLagSeconds, config.readYourWritesSeconds]).toEqual([3, 5]);
    expect(loadConfig(base).databaseReplicaUrls).toEqual([]);
  });

  it('refuses a read-your-writes window shorter than the lag bound plus two probe intervals', () => {
    expect(() => loadConfig({ ...base, REPLICA_MAX_LAG_SECONDS: '4', READ_YOUR_WRITES_SECONDS: '5' })).toThrow(/READ_YOUR_WRITES_SECONDS/);
    expect(() => loadConfig({ ...base, DATABASE_REPLICA_URLS: 'mysql://a/db' })).toThrow(/DATABASE_REPLICA_URLS/);
  });

  it('leaves newsroom sign-in off without keys, and reads every secret of SSO_SECRETS', () => {
    expect(loadConfig(base).sso).toBeNull();
    const first = 'a'.repeat(32);
    const second = 'b'.repeat(40);
    expect(loadConfig({ ...base, SSO_SECRETS: ` ${first} , ${second}`, SSO_ISSUER: 'https://id.example', SSO_AUDIENCE: 'margin' }).sso).toEqual({
      jwksUrl: undefined,
      secrets: [first, second],
      issuer: 'https://id.example',
      audience: 'margin',
      clockSkewSeconds: 10,
      jwksRefetchIntervalSeconds: 30,
      jwksCacheSeconds: 600,
    });
  });

  it('needs JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  it('in production, refuses to start without SMTP_URL unless MAIL_DISABLED=true says no e-mail is sent', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(() => loadConfig(production)).toThrow(/^Invalid configuration: SMTP_URL: must be set in production/);
    expect(loadConfig({ ...production, MAIL_DISABLED: 'true' }).mail).toEqual(expect.objectContaining({ disabled: true, smtpUrl: undefined }));
    expect(loadConfig({ ...production, SMTP_URL: 'smtps://user:pass@mail.example:465' }).mail.smtpUrl).toBe('smtps://user:pass@mail.example:465');
    // Outside production no SMTP_URL means .eml files under DATA_DIR/mail.
    expect(loadConfig(base).mail).toEqual({ smtpUrl: undefined, from: 'Margin <no-reply@localhost>', disabled: false, timeoutSeconds: 30 });
  });

  it.each([
    [{ SMTP_URL: 'http://mail.example' }, 'SMTP_URL'],
    [{ MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ MAIL_DISABLED: 'perhaps' }, 'MAIL_DISABLED'],
  ])('refuses the mail setting %p', (env, name) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(new RegExp(`^Invalid configuration: .*${name}`));
  });

  it('refuses a Stripe API host override with a live key', () => {
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_HOST: 'localhost' })).toThrow(/sk_test_/);
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_API_HOST: 'localhost' }).stripe.apiHost).toBe('localhost');
  });
});
