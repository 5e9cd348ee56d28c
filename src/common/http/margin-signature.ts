import { createHmac } from 'node:crypto';

/**
 * `X-Margin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, the shape Stripe uses: the receiver
 * recomputes the HMAC over the bytes it received and refuses a `t` too far from its clock (replays). One signer for
 * both things the contract signs this way: outbound webhooks and the external moderation hook.
 */
export function marginSignature(secret: string, rawBody: string, at: Date = new Date()): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  const hmac = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${hmac}`;
}
