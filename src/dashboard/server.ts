// The live dashboard's server part: GET /dashboard (the page), /dashboard/dashboard.js (the bundle
// built by bundle.ts; outside production built on the first request when missing) and, in
// development only, GET /dashboard/demo-token — a short-lived operator token for the demo owner, the
// page's one-click sign-in. The page itself reads and watches everything through /graphql with the
// signed-in token, so it sees exactly what that operator may see.
import { existsSync, readFileSync } from 'node:fs';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { DEMO_SLUG } from '../demo/seed.js';
import { operatorToken } from '../organizations/credentials.js';
import { BUNDLE_FILE, defaultAssetsDir } from './bundle.js';
import { renderDashboardPage } from './page.js';

export const DASHBOARD_PATH = '/dashboard';

/**
 * The bundle's text, read once per process. Outside production it is built afresh on the first
 * request (esbuild takes well under a second), so a changed page shows after a restart; the file
 * `npm ci` wrote is the fallback when esbuild is not installed. Production serves what `npm run build` wrote.
 */
function bundleLoader(config: Config, assetsDir: string) {
  let loading: Promise<string> | undefined;
  const file = `${assetsDir.replace(/\/$/, '')}/${BUNDLE_FILE}`;
  return () =>
    (loading ??= (async () => {
      if (config.env !== 'production') {
        const { buildDashboard } = await import('./bundle.js');
        await buildDashboard(assetsDir).catch((e: Error) => {
          if (!existsSync(file)) throw e;
        });
      }
      if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
      return readFileSync(file, 'utf8');
    })().catch((e) => {
      loading = undefined;
      throw e;
    }));
}

export function useDashboard({ config, db, assetsDir = defaultAssetsDir }: { config: Config; db: Db; assetsDir?: string }): Plugin {
  const bundle = bundleLoader(config, assetsDir);
  // The one-click sign-in exists only where the development credential does (never in production).
  const demoSignIn = config.devAuth && config.env !== 'production';
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const path = url.pathname.replace(/\/$/, '');
      if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return;
      const answer = (body: string | null, status: number, type: string, extra: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
            status,
            headers: { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra },
          }),
        );
      if (request.method !== 'GET' && request.method !== 'HEAD') return answer('Method not allowed\n', 405, 'text/plain', { allow: 'GET, HEAD' });
      if (path === DASHBOARD_PATH)
        return answer(renderDashboardPage({ demoSignIn }), 200, 'text/html; charset=utf-8', {
          // Only our own script and the API (HTTP and WebSocket on this origin).
          'content-security-policy':
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
        });
      if (path === `${DASHBOARD_PATH}/${BUNDLE_FILE}`) {
        try {
          return answer(await bundle(), 200, 'application/javascript; charset=utf-8');
        } catch (e) {
          return answer(`Dashboard bundle unavailable: ${(e as Error).message}\n`, 503, 'text/plain; charset=utf-8');
        }
      }
      if (path === `${DASHBOARD_PATH}/demo-token` && demoSignIn) {
        const token = await operatorToken(db, config, DEMO_SLUG, `owner@${DEMO_SLUG}.test`, '12h').catch(() => null);
        if (!token) return answer(JSON.stringify({ error: 'The demo organization is not seeded (npm run seed).' }), 404, 'application/json');
        return answer(JSON.stringify({ token, organization: DEMO_SLUG }), 200, 'application/json');
      }
      return answer('Not found\n', 404, 'text/plain');
    },
  };
}
