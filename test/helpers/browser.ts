// A real browser for page tests: Debian's `chromium` (never a downloaded build) driven by
// playwright-core. Without it a fresh clone's `npm test` skips those tests with a printed reason, but
// CI (CI=true) and REQUIRE_BROWSER=1 make its absence a failure, so a green CI run did use a browser.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The chromium executable: CHROMIUM_PATH, else the first of chromium / chromium-browser on PATH. */
export function findChromium(): string | null {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : null;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {}
  }
  return null;
}

export const browserRequired = process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1';

export const MISSING_BROWSER =
  'chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH): the browser tests are skipped' +
  ' — they fail instead under CI=true or REQUIRE_BROWSER=1';

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    // As root (CI, containers) chromium refuses to start without --no-sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
