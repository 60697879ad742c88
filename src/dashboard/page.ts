// The dashboard's HTML: a shell for the bundle, with the stylesheet inline. One CSS grid: four panels
// side by side on a wide screen, one column on a phone (the media query at 760 px).

export function renderDashboardPage({ demoSignIn }: { demoSignIn: boolean }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fan operations · live dashboard</title>
    <link rel="icon" href="data:," />
    <style>${CSS}</style>
  </head>
  <body data-demo-sign-in="${demoSignIn ? 'on' : 'off'}">
    <noscript>The live dashboard needs JavaScript.</noscript>
    <div id="app"></div>
    <script type="module" src="/dashboard/dashboard.js"></script>
  </body>
</html>
`;
}

const CSS = `
:root { color-scheme: light dark; --bg: #f5f6f8; --panel: #fff; --ink: #1c2330; --muted: #687385; --line: #dfe3ea;
  --accent: #e4405f; --ok: #1f9d55; --warn: #d97706; --bad: #dc2626; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
@media (prefers-color-scheme: dark) { :root { --bg: #12161d; --panel: #1b212b; --ink: #e6e9ef; --muted: #97a1b2; --line: #2c3442; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 1.05rem; margin: 0; flex: 1 1 auto; }
.state { display: inline-flex; align-items: center; gap: .4rem; font-weight: 600; }
.state::before { content: ""; width: .6rem; height: .6rem; border-radius: 50%; background: var(--muted); }
.state.connected::before { background: var(--ok); }
.state.connecting::before, .state.reconnecting::before { background: var(--warn); }
.state.closed::before { background: var(--bad); }
button, select, input { font: inherit; color: inherit; }
button { border: 1px solid var(--line); background: var(--panel); border-radius: 6px; padding: .35rem .8rem; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
main.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; padding: 1rem; }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem; min-width: 0; }
section.panel h2 { font-size: .95rem; margin: 0 0 .6rem; display: flex; justify-content: space-between; gap: .5rem; }
.muted { color: var(--muted); }
.big { font-size: 1.8rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.row { display: flex; flex-wrap: wrap; gap: .3rem 1rem; align-items: baseline; }
.bar { height: 6px; background: var(--line); border-radius: 3px; overflow: hidden; margin: .3rem 0; }
.bar > div { height: 100%; background: var(--accent); }
.campaign, .session { border-top: 1px solid var(--line); padding: .6rem 0; }
.campaign:first-of-type, .session:first-of-type { border-top: 0; }
svg.spark { width: 100%; height: 44px; display: block; }
svg.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.filters { display: flex; gap: .5rem; flex-wrap: wrap; margin-bottom: .5rem; }
ol.feed { list-style: none; margin: 0; padding: 0; max-height: 22rem; overflow: auto; font-variant-numeric: tabular-nums; }
ol.feed li { display: flex; gap: .6rem; padding: .2rem 0; border-bottom: 1px dashed var(--line); }
ol.feed li.gap { color: var(--warn); font-weight: 600; }
.tag { font-size: .75rem; padding: 0 .4rem; border-radius: 4px; background: var(--line); }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .2rem .3rem; border-bottom: 1px solid var(--line); }
td.n, th.n { text-align: right; }
.signin { max-width: 32rem; margin: 3rem auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1.5rem; }
.signin textarea { width: 100%; min-height: 5rem; font: 12px/1.4 ui-monospace, monospace; }
.error { color: var(--bad); font-weight: 600; }
@media (max-width: 760px) {
  main.grid { grid-template-columns: minmax(0, 1fr); padding: .5rem; gap: .5rem; }
  header { padding: .5rem; }
  .big { font-size: 1.4rem; }
}
`;
