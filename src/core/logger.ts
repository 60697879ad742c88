// A tiny leveled logger: one line per event, JSON-free so a terminal reads it at a glance.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

export function createLogger(level: LogLevel = 'info'): Logger {
  const at = order[level];
  const log =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, ...rest: unknown[]) => {
      if (order[lvl] < at) return;
      const line = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${msg}`;
      (lvl === 'error' || lvl === 'warn' ? console.error : console.log)(line, ...rest);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
