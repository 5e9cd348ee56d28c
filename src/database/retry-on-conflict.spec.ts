import { register } from 'prom-client';
import { retryOnConflict } from './retry-on-conflict';

const conflict = (code: string) => Object.assign(new Error(`postgres ${code}`), { code });
const retriesCounted = async (reason: string) =>
  (await register.getSingleMetric('margin_transaction_retries_total')?.get())?.values.find((sample) => sample.labels.reason === reason)?.value ?? 0;

describe('retryOnConflict', () => {
  it('runs the unit of work again after a deadlock and counts the retry', async () => {
    const before = await retriesCounted('deadlock');
    const work = jest.fn().mockRejectedValueOnce(conflict('40P01')).mockResolvedValueOnce('done');
    await expect(retryOnConflict(work)).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(2);
    expect(await retriesCounted('deadlock')).toBe(before + 1);
  });

  it('retries a serialization failure too', async () => {
    const work = jest.fn().mockRejectedValueOnce(conflict('40001')).mockResolvedValueOnce('done');
    await expect(retryOnConflict(work)).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('gives up after three tries and rethrows the last conflict', async () => {
    const work = jest.fn().mockRejectedValue(conflict('40P01'));
    await expect(retryOnConflict(work)).rejects.toMatchObject({ code: '40P01' });
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('never repeats work that failed for any other reason', async () => {
    const work = jest.fn().mockRejectedValue(conflict('23505'));
    await expect(retryOnConflict(work)).rejects.toMatchObject({ code: '23505' });
    expect(work).toHaveBeenCalledTimes(1);
  });
});
