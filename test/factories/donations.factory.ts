import TestAgent from 'supertest/lib/agent';
import { Response } from 'supertest';
import { FakeStripe } from '../support/fake-stripe';
import { signedDelivery } from '../support/stripe-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { createArticle } from './articles.factory';

export interface StripeTestApp {
  t: TestApp;
  fake: FakeStripe;
  close(): Promise<void>;
}

/** The app with its Stripe SDK pointed at an in-process fake Stripe. */
export async function createStripeTestApp(extraEnv: Record<string, string> = {}): Promise<StripeTestApp> {
  const fake = await FakeStripe.start();
  const t = await createTestApp({ ...fake.environment(), ...extraEnv });
  return {
    t,
    fake,
    close: async () => {
      await t.close();
      await fake.stop();
    },
  };
}

export interface StartedDonation {
  donationId: string;
  articleId: string;
  checkoutUrl: string;
}

/** Registers an article (unless given) and starts a Checkout for it. */
export async function startDonation(
  http: TestAgent,
  input: Partial<{ articleId: string; amount: number; currency: string; frequency: string; email: string }> = {},
  auth: Record<string, string> = {},
): Promise<StartedDonation> {
  const articleId = input.articleId ?? (await createArticle(http)).id;
  const response = await http
    .post('/api/v1/donations/checkout')
    .set(auth)
    .send({ amount: 500, currency: 'gbp', frequency: 'one_off', ...input, articleId });
  if (response.status !== 201) throw new Error(`checkout failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { donationId: response.body.donationId, articleId, checkoutUrl: response.body.checkoutUrl };
}

/** Posts an event to the webhook exactly as Stripe would: raw JSON bytes with a valid signature (sent at once). */
export async function deliverEvent(http: TestAgent, event: unknown): Promise<Response> {
  const { payload, signature } = signedDelivery(event);
  return await http.post('/api/v1/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
}

export async function expectDelivered(http: TestAgent, event: unknown): Promise<void> {
  const response = await deliverEvent(http, event);
  if (response.status !== 200) throw new Error(`webhook answered ${response.status} ${JSON.stringify(response.body)}`);
}
