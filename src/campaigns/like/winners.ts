// The like-milestone draw as a pure function of what LikeDraw records: the seed, the participant
// snapshot and the rules. The service calls it to draw; LikeDraw.reproducedWinners calls it again to audit.
import { byCodeUnits, seededRandom } from './prng.js';

/** One participant: their fan id and how many rounds of this campaign they had won before the draw. */
export type DrawEntry = [fanId: string, winsBefore: number];

export interface DrawRules {
  /** Winners wanted in this round. */
  winners: number;
  /** A fan who already holds this many wins is not eligible. */
  perFanWinCap: number;
}

/** Fans still under the win cap, sorted by id: the pool the seed draws from. */
export function eligibleFans(participants: DrawEntry[], rules: DrawRules): string[] {
  return participants
    .filter(([, wins]) => wins < rules.perFanWinCap)
    .map(([fanId]) => fanId)
    .sort(byCodeUnits);
}

/**
 * Winners in draw order: a partial Fisher–Yates shuffle of the eligible pool driven by the seed.
 * Same seed + same snapshot + same rules → same winners, on any machine.
 */
export function drawWinners(seed: string, participants: DrawEntry[], rules: DrawRules): string[] {
  const pool = eligibleFans(participants, rules);
  const rng = seededRandom(seed);
  const k = Math.min(rules.winners, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}
