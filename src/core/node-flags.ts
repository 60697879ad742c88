// The V8 flags the server process runs with: `npm start` and `npm run start:prod` (package.json),
// the instances src/cluster.ts spawns, and bench:realtime's server. test/core/node-flags.test.ts keeps
// package.json in step with this list.
//
// --max-semi-space-size: the young generation. Every counter message is a burst of short-lived objects
// per watcher (the write, its promise hops) and every like batch a request's worth; with V8's default
// 16 MB semi-spaces the scavenger ran several times a second and promoted objects of a fan-out still
// in progress, which then cost mark-sweeps: GC took ≈ 20 % of the drive at 2,000 watchers (bench/README.md,
// issue 18). A larger young generation costs up to 2 × the size in RSS once the heap grows into it.
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
