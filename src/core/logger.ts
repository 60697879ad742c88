// The process's one logger, on pino: JSON lines in production (one object per event, for a log
// pipeline), a readable single line per event in development. Yoga logs through the same logger.
//
//   logger.info('GraphQL ready at …')                      → a message
//   logger.info({ requestId, operation, ms }, 'request')   → fields and a message (the request log)
//   logger.error('context failed', error)                  → the error serialised under `err`
import { createRequire } from 'node:module';
import { type DestinationStream, pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

type Method = (msgOrFields: string | LogFields, ...rest: unknown[]) => void;
// Methods (not function properties), so a test's capturing logger that takes only strings still fits.
export interface Logger {
  debug(msgOrFields: string | LogFields, ...rest: unknown[]): void;
  info(msgOrFields: string | LogFields, ...rest: unknown[]): void;
  warn(msgOrFields: string | LogFields, ...rest: unknown[]): void;
  error(msgOrFields: string | LogFields, ...rest: unknown[]): void;
}

// Never written, whatever a caller passes: credentials in headers, connection params or fields.
const REDACT = [
  'authorization',
  'token',
  'secret',
  'password',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.password',
  'headers.authorization',
  'headers["x-api-key"]',
];

/** pino-pretty is a development dependency: without it (a production install) the format is JSON. */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
    return pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true, destination: 1 });
  } catch {
    return undefined;
  }
}

export function createLogger(level: LogLevel = 'info', format: LogFormat = 'pretty'): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  const stream = format === 'pretty' ? prettyStream() : undefined;
  const log = stream ? pino(options, stream) : pino(options, pino.destination({ sync: true }));
  const method =
    (lvl: Exclude<LogLevel, 'silent'>): Method =>
    (first, ...rest) => {
      if (typeof first !== 'string') return log[lvl](first, typeof rest[0] === 'string' ? rest[0] : undefined);
      const err = rest.find((r) => r instanceof Error);
      const detail = rest.filter((r) => r !== err);
      const fields: LogFields = {};
      if (err) fields.err = err;
      if (detail.length) fields.detail = detail.length === 1 ? detail[0] : detail;
      log[lvl](fields, first);
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}
