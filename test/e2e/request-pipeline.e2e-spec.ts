import { AccessGuard } from '../../src/common/auth/access.guard';
import { JwtAuthGuard } from '../../src/common/auth/jwt-auth.guard';
import { ClientThrottlerGuard } from '../../src/common/rate-limit/client-throttler.guard';
import { createTestApp, TestApp } from '../support/test-app';

/** Every request pays for each global enhancer: only ours may be there (the hot read path is measured by `npm run bench`). */
describe('the request pipeline (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('runs only our own global guards and no global interceptor', () => {
    const config = (t.app as unknown as { config: { getGlobalGuards(): object[]; getGlobalInterceptors(): object[] } }).config;
    expect(config.getGlobalGuards().map((guard) => guard.constructor)).toEqual([JwtAuthGuard, AccessGuard, ClientThrottlerGuard]);
    expect(config.getGlobalInterceptors()).toEqual([]);
  });

  it('still runs the statements of a unit of work in one transaction without them', async () => {
    const ids = await t.transactions.run(async () => {
      const first: { id: string }[] = await t.transactions.tx.query('SELECT txid_current()::text AS id');
      const second: { id: string }[] = await t.transactions.tx.query('SELECT txid_current()::text AS id');
      return [first[0].id, second[0].id];
    });
    expect(ids[0]).toBe(ids[1]);
  });
});
