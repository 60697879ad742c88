// The ceiling for bench:api: a bare node:http + pg server that answers the bench's five GraphQL
// documents with hand-written SQL (bench/api-queries.ts), returning the same JSON as the API. It
// verifies the operator's JWT like the API does (signature, issuer, audience, expiry: jose, HS256) but
// does no database lookup for it, parses nothing but the request body, and lets PostgreSQL build the
// response text. Anything else it is sent gets 400.
//   DATABASE_URL=… AUTH_SECRET=… PORT=… node --import tsx bench/api-raw.ts
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { QUERIES } from './api-queries.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
pool.on('error', () => {});
const key = new TextEncoder().encode(process.env.AUTH_SECRET ?? '');
const verify = { issuer: process.env.JWT_ISSUER ?? 'fanops', audience: process.env.JWT_AUDIENCE ?? 'fanops-api', algorithms: ['HS256'] };
const byDocument = new Map(QUERIES.map((q) => [q.query, q]));
const decodeId = (globalId: unknown) =>
  typeof globalId === 'string' ? Buffer.from(globalId, 'base64').toString().split(':').slice(1).join(':') : '';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { query: string; variables?: Record<string, unknown> };
      const q = byDocument.get(body.query);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!q || !token) throw new Error('unknown document or no token');
      const { payload } = await jwtVerify(token, key, verify);
      const params: unknown[] = [payload.org];
      if (q.idVariable) params.push(decodeId(body.variables?.[q.idVariable]));
      const { rows } = await pool.query<{ json: string }>({ text: q.sql, values: params, name: q.name });
      const out = `{"data":${rows[0].json}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: (e as Error).message }] }));
    }
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`raw handler ready at http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}/graphql`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => void pool.end().then(() => process.exit(0))));
