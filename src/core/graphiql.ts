// GraphiQL from the installed @graphql-yoga/render-graphiql bundle, served by this server under
// /graphiql/ — no CDN, so it works offline and behind a CSP of script-src 'self' (no inline script:
// the page's options travel in a JSON data block that the served script reads). The bundle (~9 MB)
// is loaded on the first request for it, never in production unless GRAPHIQL is on.
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

export const GRAPHIQL_ASSETS = '/graphiql';

interface Asset {
  body: string | Uint8Array;
  type: string;
}

let assets: Promise<Map<string, Asset>> | undefined;

function loadAssets(): Promise<Map<string, Asset>> {
  return (assets ??= import('@graphql-yoga/render-graphiql/graphiql').then((g) => {
    const workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
    const workerUrls = Object.fromEntries(Object.entries(workers).map(([label, file]) => [label, `${GRAPHIQL_ASSETS}/${file}`]));
    // Monaco asks for its workers by label; it must know where before the bundle runs.
    const before = `self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (moduleId, label) { return ${JSON.stringify(workerUrls)}[label]; } };\n`;
    const after = `;\nYogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), JSON.parse(document.getElementById('graphiql-options').textContent));\n`;
    const js = 'application/javascript; charset=utf-8';
    const [, favicon = ''] = /^data:[^,]*;base64,(.*)$/.exec(g.favicon) ?? [];
    return new Map<string, Asset>([
      ['graphiql.js', { body: before + g.js + after, type: js }],
      ['graphiql.css', { body: g.css, type: 'text/css; charset=utf-8' }],
      [workers.editorWorkerService, { body: g.editorWorkerService, type: js }],
      [workers.json, { body: g.jsonWorker, type: js }],
      [workers.graphql, { body: g.graphqlWorker, type: js }],
      ['favicon.ico', { body: new Uint8Array(Buffer.from(favicon, 'base64')), type: 'image/x-icon' }],
    ]);
  }));
}

/** Serves the GraphiQL assets under /graphiql/. */
export function useGraphiQLAssets(): Plugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(`${GRAPHIQL_ASSETS}/`) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      return loadAssets().then((all) => {
        const asset = all.get(url.pathname.slice(GRAPHIQL_ASSETS.length + 1));
        endResponse(
          asset
            ? new fetchAPI.Response(request.method === 'HEAD' ? null : (asset.body as BodyInit), {
                status: 200,
                headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' },
              })
            : new fetchAPI.Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
        );
      });
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page: title, local stylesheet and script, and the options as a JSON data block. */
export function renderGraphiQLPage(opts: GraphiQLOptions): string {
  const title = escapeHtml(opts.title ?? 'GraphiQL');
  // "<" escaped so no value can close the data block.
  const options = JSON.stringify(opts).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${GRAPHIQL_ASSETS}/favicon.ico" />
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>${title} needs JavaScript.</noscript>
    <div id="root"></div>
    <script type="application/json" id="graphiql-options">${options}</script>
    <script src="${GRAPHIQL_ASSETS}/graphiql.js"></script>
  </body>
</html>
`;
}
