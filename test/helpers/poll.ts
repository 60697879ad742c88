// Waiting on what another process does (a delivery logged, a queue emptied, a port open): nothing
// signals it to the test, so it asks again until it is so, and fails naming what never happened.

export type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Asks `check` every `everyMs` until it answers something truthy, and returns that; throws after `ms`. */
export async function pollUntil<T>(what: string, check: Check<T>, ms: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${ms} ms)`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
