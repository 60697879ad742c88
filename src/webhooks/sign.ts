// Standard Webhooks signatures (`v1,` + base64 HMAC-SHA256 of "id.timestamp.body" under the secret's
// bytes), computed by node:crypto: the same bytes the `standardwebhooks` package signs and verifies
// (receivers and tests verify with it), without its pure-JS SHA-256 and a secret decoded per delivery.
import { createHmac } from 'node:crypto';

export class Signer {
  // The decoded key per secret; a rotated or deleted endpoint's secret simply stops being asked for.
  private readonly keys = new Map<string, Buffer>();

  sign(secret: string, eventId: string, at: Date, payload: string): string {
    let key = this.keys.get(secret);
    if (!key) {
      key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
      if (this.keys.size > 10_000) this.keys.clear(); // bounded: endpoints are few, but never grow forever
      this.keys.set(secret, key);
    }
    const digest = createHmac('sha256', key)
      .update(`${eventId}.${Math.floor(at.getTime() / 1000)}.${payload}`)
      .digest('base64');
    return `v1,${digest}`;
  }
}
