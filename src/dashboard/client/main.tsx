// The live dashboard: sign in with an operator token (in development, one click as the demo owner),
// then watch the organization over graphql-ws — like campaigns, the activity feed, live sessions and
// group metrics. Everything is read with the signed-in credential only.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ActivityKind, CommunityKind, DashboardLiveSessionsQuery, DashboardSignedInQuery } from '../../generated/graphql/graphql.js';
import { authorizationOf, type ConnectionState, connect, type Live, query, RequestFailed } from './api.js';
import {
  CurrentLiveSessions,
  GroupRanking,
  RunningLikeCampaigns,
  SignedIn,
  WatchActivity,
  WatchLikeCampaign,
  WatchLiveSession,
  WatchOrganizationToday,
} from './documents.js';

const STORAGE_KEY = 'fanops.dashboard.credential';
const demoSignIn = document.body.dataset.demoSignIn === 'on';
const fmt = new Intl.NumberFormat('en');
const money = (cents: number) => `¥${fmt.format(Math.round(cents / 100))}`;
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

type Viewer = DashboardSignedInQuery['viewer'];

function App() {
  const [credential, setCredential] = useState<string | null>(() => localStorage.getItem(STORAGE_KEY));
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!credential) return;
    let cancelled = false;
    query(authorizationOf(credential), SignedIn)
      .then(({ viewer }) => {
        if (cancelled) return;
        if (viewer.kind !== 'OPERATOR') throw new RequestFailed('This dashboard is for operators: sign in with an operator token, not a fan’s.', 'FORBIDDEN');
        setViewer(viewer);
        setError(null);
        localStorage.setItem(STORAGE_KEY, credential);
      })
      .catch((e: Error) => {
        if (cancelled) return;
        setError(refusalMessage(e));
        setCredential(null);
        localStorage.removeItem(STORAGE_KEY);
      });
    return () => {
      cancelled = true;
    };
  }, [credential]);

  const signOut = (message: string | null = null) => {
    localStorage.removeItem(STORAGE_KEY);
    setViewer(null);
    setCredential(null);
    setError(message);
  };

  if (!credential || !viewer)
    return <SignIn busy={Boolean(credential) && !error} error={error} onToken={(t) => (setError(null), setCredential(t))} />;
  return <Dashboard authorization={authorizationOf(credential)} viewer={viewer} onSignOut={signOut} />;
}

function refusalMessage(e: Error): string {
  if (e instanceof RequestFailed && e.code === 'UNAUTHENTICATED') return `Sign-in failed: the token was refused (${e.message}). Paste a current operator token.`;
  if (e instanceof RequestFailed) return `Sign-in failed: ${e.message}`;
  return `Sign-in failed: the API could not be reached (${e.message}).`;
}

function SignIn({ busy, error, onToken }: { busy: boolean; error: string | null; onToken: (t: string) => void }) {
  const [text, setText] = useState('');
  const demo = async () => {
    const res = await fetch('/dashboard/demo-token');
    const body = (await res.json().catch(() => ({}))) as { token?: string; error?: string };
    if (body.token) onToken(body.token);
  };
  return (
    <form
      class="signin"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onToken(text.trim());
      }}
    >
      <h1>Live dashboard</h1>
      <p class="muted">
        Sign in with an operator token (<code>npm start</code> prints one; <code>npm run cli -- token</code> mints others).
      </p>
      <textarea name="token" aria-label="Operator token" placeholder="eyJhbGciOi…" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {error && (
        <p class="error" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <div class="row">
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {demoSignIn && (
          <button type="button" data-testid="demo-sign-in" onClick={() => void demo()}>
            Demo sign-in (development)
          </button>
        )}
      </div>
    </form>
  );
}

function Dashboard({ authorization, viewer, onSignOut }: { authorization: string; viewer: Viewer; onSignOut: (m?: string | null) => void }) {
  const [state, setState] = useState<ConnectionState>('connecting');
  const [live, setLive] = useState<Live | null>(null);
  useEffect(() => {
    const l = connect(authorization, setState, (reason) => onSignOut(`Signed out: the server refused the token (${reason}).`));
    setLive(l);
    return () => l.dispose();
  }, [authorization]);
  const label = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', closed: 'Disconnected' }[state];
  return (
    <>
      <header>
        <span class={`state ${state}`} data-testid="connection" data-state={state}>
          {label}
        </span>
        <h1>{viewer.organization?.name ?? 'Organization'} · live dashboard</h1>
        <span class="muted">{viewer.operator?.displayName}</span>
        <button type="button" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      {live && (
        <main class="grid">
          <LikeCampaigns authorization={authorization} live={live} />
          <ActivityFeed live={live} />
          <LiveSessions authorization={authorization} live={live} />
          <GroupMetrics authorization={authorization} live={live} />
        </main>
      )}
    </>
  );
}

function usePanelQuery<R>(load: () => Promise<R>, deps: unknown[]): [R | null, string | null] {
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    load()
      .then((d) => !cancelled && setData(d))
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, deps);
  return [data, error];
}

// ───────────── like campaigns ─────────────

function LikeCampaigns({ authorization, live }: { authorization: string; live: Live }) {
  const [data, error] = usePanelQuery(() => query(authorization, RunningLikeCampaigns), [authorization]);
  const campaigns = data?.campaigns.nodes ?? [];
  return (
    <section class="panel" data-testid="likes-panel">
      <h2>
        Like campaigns <span class="muted">running</span>
      </h2>
      {error && <p class="error">{error}</p>}
      {data && !campaigns.length && <p class="muted">No like campaign is running.</p>}
      {campaigns.map((c) => (
        <LikeCampaignCard key={c.id} live={live} id={c.id} name={c.name} initial={c.like} />
      ))}
    </section>
  );
}

interface LikeNumbers {
  total: number;
  target: number;
  ratePerSecond: number;
  milestonesReached: number;
}

function LikeCampaignCard({
  live,
  id,
  name,
  initial,
}: {
  live: Live;
  id: string;
  name: string;
  initial: { targetLikes: number; milestoneEvery: number; milestonesReached: number; totalLikes: number } | null | undefined;
}) {
  const [n, setN] = useState<LikeNumbers>({
    total: initial?.totalLikes ?? 0,
    target: initial?.targetLikes ?? 0,
    ratePerSecond: 0,
    milestonesReached: initial?.milestonesReached ?? 0,
  });
  // The rate, one point per second for the last two minutes (the counter sends up to ten a second).
  const [rates, setRates] = useState<number[]>([]);
  const latest = useRef(0);
  useEffect(
    () =>
      live.subscribe(WatchLikeCampaign, { campaignId: id }, ({ likeCampaign: m }) => {
        latest.current = m.ratePerSecond;
        // Totals only grow: keep the largest seen, so a message that crossed instances late cannot step back.
        setN((old) => ({
          total: Math.max(old.total, m.total),
          target: m.target,
          ratePerSecond: m.ratePerSecond,
          milestonesReached: Math.max(old.milestonesReached, m.milestonesReached),
        }));
      }),
    [live, id],
  );
  useEffect(() => {
    const timer = setInterval(() => {
      setRates((r) => [...r.slice(-119), latest.current]);
      latest.current = 0;
    }, 1_000);
    return () => clearInterval(timer);
  }, []);
  const every = initial?.milestoneEvery ?? 0;
  const pct = n.target ? Math.min(100, (100 * n.total) / n.target) : 0;
  return (
    <div class="campaign" data-testid="campaign" data-campaign={id}>
      <div class="row">
        <strong>{name}</strong>
        <span class="muted">
          target {fmt.format(n.target)}
          {every ? ` · milestone every ${fmt.format(every)}` : ''}
        </span>
      </div>
      <div class="row">
        <span class="big" data-testid="campaign-total">
          {fmt.format(n.total)}
        </span>
        <span data-testid="campaign-rate">{fmt.format(Math.round(n.ratePerSecond))}/s</span>
        <span data-testid="campaign-milestones">
          {n.milestonesReached} milestone{n.milestonesReached === 1 ? '' : 's'}
          {every ? ` · next at ${fmt.format((n.milestonesReached + 1) * every)}` : ''}
        </span>
      </div>
      <div class="bar" title={`${pct.toFixed(1)}% of the target`}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <Sparkline values={rates} label="likes per second, last two minutes" />
    </div>
  );
}

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 240;
  const height = 44;
  const max = Math.max(1, ...values);
  const points = values.map((v, i) => `${((i + 120 - values.length) / 119) * width},${height - 2 - (v / max) * (height - 4)}`).join(' ');
  return (
    <svg class="spark" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <polyline points={points} />
    </svg>
  );
}

// ───────────── activity feed ─────────────

const GROUP_KINDS: CommunityKind[] = ['VERTICAL', 'LIKE', 'FISSION', 'VIP', 'KOC', 'SMALL', 'LARGE'];
const EVENT_KINDS: ActivityKind[] = [
  'MESSAGE_POSTED',
  'BUYER_SHOW_POSTED',
  'KOC_ACTION',
  'LIKE_BURST',
  'MEMBER_JOINED',
  'MEMBER_LEFT',
  'CHECK_IN',
  'RESERVATION_MADE',
  'REWARD_REDEEMED',
  'COMPLAINT_RAISED',
  'COMPLAINT_RESOLVED',
];
const label = (kind: string) => kind.toLowerCase().replace(/_/g, ' ');

type FeedEntry =
  | { type: 'event'; key: string; kind: ActivityKind; count: number; communityKind: CommunityKind | null | undefined; occurredAt: string }
  | { type: 'gap'; key: string; missed: number };

function ActivityFeed({ live }: { live: Live }) {
  const [groupKind, setGroupKind] = useState('');
  const [eventKind, setEventKind] = useState('');
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setEntries([]);
    setError(null);
    const variables = {
      communityKinds: groupKind ? [groupKind as CommunityKind] : null,
      kinds: eventKind ? [eventKind as ActivityKind] : null,
    };
    return live.subscribe(
      WatchActivity,
      variables,
      ({ organizationActivity: a }) => {
        const added: FeedEntry[] = [
          { type: 'event', key: a.id, kind: a.kind, count: a.count, communityKind: a.communityKind, occurredAt: a.occurredAt },
        ];
        // The server dropped entries for this client just before this one: say so where they were.
        if (a.missedBefore > 0) added.push({ type: 'gap', key: `gap-${a.id}`, missed: a.missedBefore });
        setEntries((old) => [...added, ...old].slice(0, 60));
      },
      setError,
    );
  }, [live, groupKind, eventKind]);
  return (
    <section class="panel" data-testid="activity-panel">
      <h2>Activity feed</h2>
      <div class="filters">
        <select aria-label="Group kind" data-testid="filter-group" value={groupKind} onChange={(e) => setGroupKind(e.currentTarget.value)}>
          <option value="">All groups</option>
          {GROUP_KINDS.map((k) => (
            <option value={k}>{label(k)} groups</option>
          ))}
        </select>
        <select aria-label="Event kind" data-testid="filter-event" value={eventKind} onChange={(e) => setEventKind(e.currentTarget.value)}>
          <option value="">All events</option>
          {EVENT_KINDS.map((k) => (
            <option value={k}>{label(k)}</option>
          ))}
        </select>
      </div>
      {error && <p class="error">{error}</p>}
      {!entries.length && <p class="muted">Waiting for activity…</p>}
      <ol class="feed" data-testid="feed">
        {entries.map((e) =>
          e.type === 'gap' ? (
            <li key={e.key} class="gap" data-testid="feed-gap">
              ⋯ {e.missed} entr{e.missed === 1 ? 'y' : 'ies'} dropped here (this page fell behind)
            </li>
          ) : (
            <li key={e.key} data-testid="feed-item" data-kind={e.kind}>
              <span class="muted">{time(e.occurredAt)}</span>
              <span>
                {label(e.kind)}
                {e.count > 1 ? ` ×${fmt.format(e.count)}` : ''}
              </span>
              {e.communityKind && <span class="tag">{label(e.communityKind)}</span>}
            </li>
          ),
        )}
      </ol>
    </section>
  );
}

// ───────────── live sessions ─────────────

type Session = DashboardLiveSessionsQuery['liveSessions']['nodes'][number];

function LiveSessions({ authorization, live }: { authorization: string; live: Live }) {
  // From the start of yesterday: tonight's session even after midnight UTC.
  const from = useMemo(() => new Date(Date.now() - 36 * 3_600_000).toISOString(), []);
  const [data, error] = usePanelQuery(() => query(authorization, CurrentLiveSessions, { from }), [authorization]);
  const sessions = data?.liveSessions.nodes ?? [];
  return (
    <section class="panel" data-testid="sessions-panel">
      <h2>Live sessions</h2>
      {error && <p class="error">{error}</p>}
      {data && !sessions.length && <p class="muted">No session is live or scheduled.</p>}
      {sessions.map((s) => (
        <SessionCard key={s.id} live={live} session={s} />
      ))}
    </section>
  );
}

function SessionCard({ live, session }: { live: Live; session: Session }) {
  const lastOnSale = [...session.items].filter((i) => i.onSaleAt).sort((a, b) => (a.onSaleAt! < b.onSaleAt! ? 1 : -1))[0];
  const [s, setS] = useState({
    status: session.status,
    onSale: lastOnSale?.productName ?? null,
    reservations: session.reservationCount,
    viewers: session.viewers,
    likes: session.likes,
    orders: session.orderCount,
    gmvCents: session.gmvCents,
  });
  useEffect(
    () =>
      live.subscribe(WatchLiveSession, { sessionId: session.id }, ({ liveSessionEvents: e }) =>
        setS((old) => ({
          status: e.status ?? old.status,
          onSale: e.kind === 'ITEM_ON_SALE' ? (e.productName ?? old.onSale) : old.onSale,
          reservations: e.reservationCount ?? old.reservations,
          viewers: e.viewers ?? old.viewers,
          likes: e.likes ?? old.likes,
          orders: e.orderCount ?? old.orders,
          gmvCents: e.gmvCents ?? old.gmvCents,
        })),
      ),
    [live, session.id],
  );
  return (
    <div class="session" data-testid="session" data-session={session.id}>
      <div class="row">
        <strong>{session.title}</strong>
        <span class="tag" data-testid="session-status">
          {s.status}
        </span>
        <span class="muted">
          {session.host} · {new Date(session.scheduledAt).toLocaleString()}
        </span>
      </div>
      <div class="row">
        <span>
          On sale: <strong data-testid="session-on-sale">{s.onSale ?? '—'}</strong>
        </span>
        <span data-testid="session-reservations">{fmt.format(s.reservations)} reservations</span>
      </div>
      <div class="row muted">
        <span>{fmt.format(s.viewers)} viewers</span>
        <span>{fmt.format(s.likes)} likes</span>
        <span>{fmt.format(s.orders)} orders</span>
        <span>{money(s.gmvCents)} GMV</span>
      </div>
    </div>
  );
}

// ───────────── group metrics ─────────────

function GroupMetrics({ authorization, live }: { authorization: string; live: Live }) {
  const [ranking, setRanking] = useState<Awaited<ReturnType<typeof loadRanking>> | null>(null);
  const [today, setToday] = useState<{ activeMembers: number; messages: number; joins: number; orders: number; gmvCents: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRanking = () => query(authorization, GroupRanking);
  const lastLoad = useRef(0);
  useEffect(() => {
    const refresh = () => {
      lastLoad.current = Date.now();
      loadRanking()
        .then(setRanking)
        .catch((e: Error) => setError(e.message));
    };
    refresh();
    // The organization's numbers arrive live (at most once a second); the rankings follow every 15 s.
    const stop = live.subscribe(
      WatchOrganizationToday,
      {},
      ({ organizationMetrics: m }) => {
        setToday(m);
        if (Date.now() - lastLoad.current > 15_000) refresh();
      },
      setError,
    );
    return stop;
  }, [live, authorization]);
  const [windowKey, setWindowKey] = useState<'today' | 'week'>('today');
  const rows = ranking?.[windowKey].nodes ?? [];
  return (
    <section class="panel" data-testid="groups-panel">
      <h2>
        Groups
        <select aria-label="Window" value={windowKey} onChange={(e) => setWindowKey(e.currentTarget.value as 'today' | 'week')}>
          <option value="today">today</option>
          <option value="week">last 7 days</option>
        </select>
      </h2>
      {error && <p class="error">{error}</p>}
      {today && (
        <div class="row" data-testid="org-today">
          <span>
            <strong>{fmt.format(today.activeMembers)}</strong> active fans today
          </span>
          <span>{fmt.format(today.messages)} messages</span>
          <span>{fmt.format(today.joins)} joins</span>
          <span>
            {fmt.format(today.orders)} orders · {money(today.gmvCents)}
          </span>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>Group</th>
            <th class="n">Active</th>
            <th class="n">Messages</th>
            <th class="n">GMV</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.community.id}>
              <td>{r.rank}</td>
              <td>
                {r.community.name} <span class="tag">{label(r.community.kind)}</span>
              </td>
              <td class="n">{fmt.format(r.metrics.activeMembers)}</td>
              <td class="n">{fmt.format(r.metrics.messages)}</td>
              <td class="n">{money(r.metrics.gmvCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

render(<App />, document.getElementById('app')!);
