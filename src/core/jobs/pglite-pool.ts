// A pg.Pool-shaped object over the app's embedded PGlite, so graphile-worker (which needs a pg.Pool)
// runs in-process on the embedded database. PGlite is one connection: a client's BEGIN … COMMIT runs
// inside PGlite's own transaction() (which Prisma's adapter uses too), so the worker's transactions
// and the app's never interleave; statements outside a transaction run one at a time. LISTEN maps to
// PGlite's listen(), whose notifications arrive as the client's 'notification' events.
import { EventEmitter } from 'node:events';
import type { PGlite, Transaction } from '@electric-sql/pglite';

type QueryConfig = string | { text: string; values?: unknown[]; name?: string };
type Result = { rows: any[]; rowCount: number; command?: string; fields: { name: string }[] };
type ConnectCallback = (err: Error | undefined, client: PGliteClient | undefined, release: () => void) => void;

// Like node-postgres: bigints as strings (job ids go back into queries as parameters).
const INT8 = 20;
const parsers = { [INT8]: (v: string) => v };

class PGliteClient extends EventEmitter {
  private tx?: { handle: Transaction; finish: (commit: boolean) => void; done: Promise<unknown> };
  private listening = new Map<string, () => Promise<void>>();

  constructor(
    private readonly lite: PGlite,
    private readonly onRelease: (c: PGliteClient) => void,
  ) {
    super();
  }

  async query(config: QueryConfig, values?: unknown[]): Promise<Result> {
    const text = typeof config === 'string' ? config : config.text;
    const params = (typeof config === 'string' ? values : (config.values ?? values)) ?? [];
    const verb = text.trim().replace(/;$/, '').toLowerCase();
    if (verb === 'begin') return this.begin();
    if (verb === 'commit' || verb === 'rollback') return this.end(verb === 'commit');
    if (/^\s*(un)?listen\s/i.test(text)) return this.listen(text);
    const runner = this.tx?.handle ?? this.lite;
    if (params.length) return shape(await runner.query(text, params, { parsers }));
    // Without parameters a string may hold several statements (migrations): the last one answers.
    const results = await runner.exec(text, { parsers });
    return shape(results[results.length - 1] ?? { rows: [], fields: [] });
  }

  private async begin(): Promise<Result> {
    if (this.tx) throw new Error('pglite-pool: nested BEGIN');
    let started!: (t: Transaction) => void;
    let finish!: (commit: boolean) => void;
    const handle = new Promise<Transaction>((r) => (started = r));
    const decided = new Promise<boolean>((r) => (finish = r));
    const done = this.lite
      .transaction(async (t) => {
        started(t);
        if (!(await decided)) await t.rollback();
      })
      .catch((e) => e);
    this.tx = { handle: await Promise.race([handle, done.then((e) => Promise.reject(e))]), finish, done };
    return { rows: [], rowCount: 0, command: 'BEGIN', fields: [] };
  }

  private async end(commit: boolean): Promise<Result> {
    const tx = this.tx;
    this.tx = undefined;
    if (!tx) return { rows: [], rowCount: 0, fields: [] };
    tx.finish(commit);
    const outcome = await tx.done;
    if (outcome instanceof Error) throw outcome;
    return { rows: [], rowCount: 0, command: commit ? 'COMMIT' : 'ROLLBACK', fields: [] };
  }

  private async listen(text: string): Promise<Result> {
    for (const statement of text
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [verb, channel] = [statement.split(/\s+/)[0]!.toLowerCase(), statement.slice(statement.search(/\s/) + 1).trim()];
      const name = channel.replace(/^"|"$/g, '');
      if (verb === 'listen' && !this.listening.has(name)) {
        this.listening.set(name, await this.lite.listen(channel, (payload) => this.emit('notification', { channel: name, payload })));
      } else if (verb === 'unlisten') {
        // PGlite drops the callback, then its own UNLISTEN fails on a name that needs quoting: harmless.
        await this.listening
          .get(name)?.()
          .catch(() => {});
        this.listening.delete(name);
      }
    }
    return { rows: [], rowCount: 0, fields: [] };
  }

  release(): void {
    if (this.tx) void this.end(false).catch(() => {});
    for (const unlisten of this.listening.values()) void unlisten().catch(() => {}); // see listen()
    this.listening.clear();
    this.onRelease(this);
  }
}

function shape(r: { rows: unknown[]; affectedRows?: number; fields: { name: string }[] }): Result {
  return { rows: r.rows as any[], rowCount: r.affectedRows ?? r.rows.length, fields: r.fields };
}

/** The subset of pg.Pool graphile-worker uses. */
export class PGlitePool extends EventEmitter {
  readonly options = { max: 50 };
  private readonly clients = new Set<PGliteClient>();
  ended = false;

  constructor(private readonly lite: PGlite) {
    super();
  }

  get totalCount() {
    return this.clients.size;
  }
  get idleCount() {
    return 0;
  }
  get waitingCount() {
    return 0;
  }

  connect(): Promise<PGliteClient>;
  connect(cb: ConnectCallback): void;
  connect(cb?: ConnectCallback): Promise<PGliteClient> | void {
    const client = this.ended ? undefined : new PGliteClient(this.lite, (c) => this.clients.delete(c));
    if (client) this.clients.add(client);
    const release = () => client?.release();
    if (cb) return void queueMicrotask(() => cb(client ? undefined : new Error('pool ended'), client, release));
    return client ? Promise.resolve(client) : Promise.reject(new Error('pool ended'));
  }

  async query(config: QueryConfig, values?: unknown[]): Promise<Result> {
    const client = await this.connect();
    try {
      return await client.query(config, values);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    this.ended = true;
    for (const c of [...this.clients]) c.release();
  }
}
