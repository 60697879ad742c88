// Whether a module is the script node was started with (`node dist/main.js`, `tsx src/cli.ts`), so
// modules that tests import in-process run their command-line behaviour only when started directly.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}
