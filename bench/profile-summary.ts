// Summarises a V8 CPU profile (`SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:realtime`)
// as self time by function and by where the code lives (our src/ files, each package, node internals, GC),
// so a like storm's profile reads as a short table instead of a flame graph.
//
//   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [top=30]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: `src/<file>`, a package name, `node:<module>`, or V8's own buckets. */
function placeOf(url: string, name: string): string {
  if (!url) return `(${name || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

function summarise(file: string, top: number) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const place = placeOf(url, functionName);
    const key = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  // Inclusive time: a sample counts once for every place (and src/ function) on its stack, so
  // "src/core/audit.ts 4 %" means 4 % of the samples were inside that file's code or below it.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusivePlace = new Map<string, number>();
  const inclusiveSrc = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const places = new Set<string>();
    const fns = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      const place = placeOf(url, functionName);
      places.add(place);
      if (place.startsWith('src/')) fns.add(`${functionName || '(anonymous)'}  ${place}:${lineNumber + 1}`);
    }
    for (const p of places) inclusivePlace.set(p, (inclusivePlace.get(p) ?? 0) + us);
    for (const f of fns) inclusiveSrc.set(f, (inclusiveSrc.get(f) ?? 0) + us);
  }
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const row = ([k, us]: [string, number]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(1)} % idle`);
  console.log('\nself time by place');
  for (const r of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(r));
  console.log('\ninclusive time by place (code there and what it calls)');
  for (const r of [...inclusivePlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(r));
  console.log('\ninclusive time of src/ functions');
  for (const r of [...inclusiveSrc].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(r));
  console.log('\nself time by function');
  for (const r of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(r));
}

const args = process.argv.slice(2);
const top = Number(args.find((a) => /^top=\d+$/.test(a))?.slice(4) ?? 30);
for (const file of args.filter((a) => !a.startsWith('top='))) summarise(file, top);
