// Bundles the dashboard's page script (src/dashboard/client, Preact + graphql-ws) with esbuild into
// one minified file. Run by `npm ci` (postinstall, into src/dashboard/assets), by `npm run build`
// (into dist/dashboard/assets) and, when the file is missing, on the first request for the page
// outside production (src/dashboard/server.ts). esbuild is a dev dependency: a production install
// ships the file `npm run build` wrote.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isEntryPoint } from '../core/entry.js';

export const BUNDLE_FILE = 'dashboard.js';
const entry = fileURLToPath(new URL('./client/main.tsx', import.meta.url));
export const defaultAssetsDir = fileURLToPath(new URL('./assets/', import.meta.url));

/** Writes `<outdir>/dashboard.js`; returns its path. */
export async function buildDashboard(outdir = defaultAssetsDir): Promise<string> {
  const esbuild = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  const outfile = `${outdir.replace(/\/$/, '')}/${BUNDLE_FILE}`;
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (isEntryPoint(import.meta.url)) {
  const file = await buildDashboard(process.argv[2]);
  console.log(`dashboard bundle: ${file}`);
}
