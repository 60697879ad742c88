// Temporary directories for tests (PGlite data directories, scratch files). Each run's temp folder is
// a directory of its own (test/vitest.config.ts points TMPDIR there, so servers the tests start use it
// too); global teardown fails the run if a test left one of these behind, then removes the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TEMP_PREFIX = 'fanops-';

export function makeTempDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `${TEMP_PREFIX}${label}-`));
}

export function removeTempDir(dir: string) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
