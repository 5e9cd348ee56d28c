import { parseLsn, PrimaryWalHistory } from './replica-lag';

describe('parseLsn', () => {
  it('orders WAL positions across the high word', () => {
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  });

  it('refuses what is not a WAL position', () => {
    expect(() => parseLsn('16-B374')).toThrow('not a WAL position');
  });
});

describe('PrimaryWalHistory', () => {
  it('knows no lag before the primary was sampled', () => {
    expect(new PrimaryWalHistory().lagSeconds(10n, 0)).toBe(Infinity);
  });

  it('gives no lag to a replica that replayed what the latest sample saw, however old', () => {
    const history = new PrimaryWalHistory();
    history.record(100n, 0);
    expect(history.lagSeconds(100n, 60_000)).toBe(0);
  });

  it('counts lag from the first sample that saw WAL the replica has not replayed', () => {
    const history = new PrimaryWalHistory();
    history.record(100n, 0);
    history.record(100n, 1_000); // no move: the earlier time stays
    history.record(200n, 2_000);
    history.record(300n, 3_000);
    expect(history.lagSeconds(150n, 5_000)).toBe(3);
    expect(history.lagSeconds(200n, 5_000)).toBe(2);
    expect(history.lagSeconds(99n, 5_000)).toBe(5);
  });

  it('is at least as old as the oldest sample kept when the replica is behind all of them', () => {
    const history = new PrimaryWalHistory(2);
    history.record(100n, 0);
    history.record(200n, 1_000);
    history.record(300n, 2_000);
    expect(history.lagSeconds(50n, 4_000)).toBe(3);
  });
});
