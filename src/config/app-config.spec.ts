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

  it('parses numbers, booleans and lists', () => {
    const config = loadConfig({ ...base, PORT: '8080', TRUST_PROXY: 'true', CORS_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.port).toBe(8080);
    // `true` is one trusted hop, not every hop (see trust-proxy.ts).
    expect(config.trustProxy).toBe(1);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

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

  it('needs JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  it('refuses a Stripe API host override with a live key', () => {
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_HOST: 'localhost' })).toThrow(/sk_test_/);
    expect(loadConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_API_HOST: 'localhost' }).stripe.apiHost).toBe('localhost');
  });
});
