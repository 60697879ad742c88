// What a cancelled fulfilment gives back, per source: the points mall returns the reward's stock and the
// points, a wheel its prize's stock. The sources register their return here (src/services.ts), so the
// fulfilment module needs none of them, and they may all depend on it to owe prizes.
import type { Tx } from '../core/db.js';
import type { Fulfilment } from '../generated/prisma/client.js';
import type { FulfilmentSource } from '../generated/prisma/enums.js';

export type FulfilmentReturn = (tx: Tx, fulfilment: Fulfilment) => Promise<unknown>;

export class FulfilmentReturns {
  private readonly bySource = new Map<FulfilmentSource, FulfilmentReturn>();

  on(source: FulfilmentSource, give: FulfilmentReturn): void {
    this.bySource.set(source, give);
  }

  /** Runs in the cancelling transaction, after the fulfilment's status flipped (once) to CANCELLED. */
  async run(tx: Tx, fulfilment: Fulfilment): Promise<void> {
    await this.bySource.get(fulfilment.sourceKind)?.(tx, fulfilment);
  }
}

declare module '../core/context.js' {
  interface Services {
    /** What each prize source gives back when its fulfilment is cancelled (see src/fulfilment/returns.ts). */
    fulfilmentReturns: FulfilmentReturns;
  }
}
