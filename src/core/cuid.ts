// Ids for rows written by raw SQL in tables whose id is Prisma's `@default(cuid())`: the same format
// Prisma's client generates (cuid v1, the algorithm in @prisma/client's runtime): "c", the time in ms
// (base 36), a per-process counter (4 base-36 digits), a fingerprint of the process and host (4) and 8
// random base-36 digits — 25 characters. So ids from either source look alike, and ids made in one
// process in the same millisecond sort in the order they were made, as Prisma's do.
import { hostname } from 'node:os';

const BASE = 36;
const BLOCK = 4;
const DISCRETE = BASE ** BLOCK;

const pad = (s: string, size: number) => `000000000${s}`.slice(-size);

function host() {
  try {
    return hostname();
  } catch {
    return process.env._CLUSTER_NETWORK_NAME_ || process.env.COMPUTERNAME || 'hostname';
  }
}

const name = host();
const FINGERPRINT =
  pad(process.pid.toString(BASE), 2) +
  pad(
    name
      .split('')
      .reduce((sum, ch) => sum + ch.charCodeAt(0), name.length + BASE)
      .toString(BASE),
    2,
  );

let counter = 0;
const random = () => pad(((Math.random() * DISCRETE) << 0).toString(BASE), BLOCK);

export function cuid(): string {
  counter = counter < DISCRETE ? counter : 0;
  const count = pad((counter++).toString(BASE), BLOCK);
  return `c${Date.now().toString(BASE)}${count}${FINGERPRINT}${random()}${random()}`;
}

/** Prisma's own check of a cuid. */
export const isCuid = (id: string) => /^c[a-z0-9]{20,32}$/.test(id);
