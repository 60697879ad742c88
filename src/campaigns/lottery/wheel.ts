// The prize wheel's odds: each prize in stock has its weight, "no prize" has the campaign's missWeight.
// The roll comes from the spin's recorded seed (sha256-based), with prizes in id order.
import { byCodeUnits, seededRandom } from '../like/prng.js';

export interface WheelSlot {
  id: string;
  weight: number;
}

/** The prize id the seed lands on, or null for "no prize". */
export function spinWheel(seed: string, prizes: WheelSlot[], missWeight: number): string | null {
  const slots = prizes.filter((p) => p.weight > 0).sort((a, b) => byCodeUnits(a.id, b.id));
  const total = slots.reduce((s, p) => s + p.weight, 0) + Math.max(missWeight, 0);
  if (total <= 0) return null;
  let roll = seededRandom(seed).int(total);
  for (const p of slots) {
    if (roll < p.weight) return p.id;
    roll -= p.weight;
  }
  return null;
}
