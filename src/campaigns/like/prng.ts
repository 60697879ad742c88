// A seeded, portable random source for draws that must be reproducible: SHA-256 of "<seed>:<block>"
// gives 8 unsigned 32-bit words per block. Anyone with the seed can re-derive the same numbers in any
// language, which is what makes a recorded draw auditable.
import { createHash, randomBytes } from 'node:crypto';

export interface SeededRandom {
  /** A uniform whole number in [0, n). */
  int(n: number): number;
}

/** A fresh seed to record with a draw: 32 random bytes as hex. */
export const newSeed = (bytes = 32) => randomBytes(bytes).toString('hex');

export function seededRandom(seed: string): SeededRandom {
  let block = 0;
  let words: Buffer = Buffer.alloc(0);
  let offset = 0;
  const nextUint32 = () => {
    if (offset >= words.length) {
      words = createHash('sha256').update(`${seed}:${block++}`).digest();
      offset = 0;
    }
    const v = words.readUInt32BE(offset);
    offset += 4;
    return v;
  };
  return {
    int(n) {
      if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`int(${n}): n must be a whole number in 1..2^32`);
      // Rejection sampling: values past the last whole multiple of n would bias the low numbers.
      const limit = Math.floor(2 ** 32 / n) * n;
      for (;;) {
        const v = nextUint32();
        if (v < limit) return v % n;
      }
    },
  };
}

/** Byte-order comparison, so every platform (and every database collation) sorts ids the same way. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
