/**
 * `--queue redis://[:PASSWORD@]HOST:PORT[/DB]` (or `rediss://` for TLS) → ioredis options, and a
 * fast reachability check that turns a dead or wrong address into one line naming host:port.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { SnnError } from '../../engine/errors.js';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  /** The URL without its password: safe to print and to store. */
  display: string;
  options: RedisOptions;
}

const EXAMPLE = 'e.g. --queue redis://127.0.0.1:6379 or rediss://:PASSWORD@host:6380/1';

export function parseRedisUrl(text: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new SnnError('usage', `malformed Redis URL '${text.replace(/\/\/[^/]*@/, '//…@')}'`, EXAMPLE);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new SnnError('usage', `Redis URL '${redact(u)}' must start with redis:// or rediss://`, EXAMPLE);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new SnnError('usage', `Redis URL '${redact(u)}' names no host`, EXAMPLE);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SnnError('usage', `Redis URL '${redact(u)}' has a bad port`, EXAMPLE);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new SnnError('usage', `Redis URL '${redact(u)}': the path must be a database number, got '/${path}'`, EXAMPLE);
  if (u.search || u.hash) throw new SnnError('usage', `Redis URL '${redact(u)}' has a query or fragment`, EXAMPLE);
  const db = path === '' ? 0 : Number(path);
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { host, port, db, display: `${u.protocol}//${u.hostname}:${port}/${db}`, options };
}

function redact(u: URL): string {
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

/**
 * Connects once, with a short timeout and no retries, and pings: an address where no Redis answers
 * fails in seconds with one line instead of hanging in reconnect loops.
 */
export async function checkReachable(target: RedisTarget, timeoutMs = 10_000): Promise<void> {
  const client = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // connect() rejects with a generic 'Connection is closed'; the cause comes as an 'error' event.
  let cause: NodeJS.ErrnoException | null = null;
  client.on('error', (e: NodeJS.ErrnoException) => (cause ??= e));
  const where = `${target.host}:${target.port}`;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs + 500).unref()),
    ]);
  } catch (err) {
    const e = cause ?? (err as NodeJS.ErrnoException);
    const msg = String(e.message ?? e);
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(msg)) {
      throw new SnnError('usage', `Redis at ${where} refused the credentials (${msg.split('\n')[0]})`, 'give the password in the URL: redis://:PASSWORD@HOST:PORT');
    }
    const why = /Protocol error/.test(msg) ? 'something other than Redis answers there' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'unknown host' : /timed? ?out/i.test(msg) || e.code === 'ETIMEDOUT' ? 'no answer' : msg.split('\n')[0];
    throw new SnnError('usage', `cannot reach Redis at ${where}: ${why}`, `start one there with 'redis-server --port ${target.port}' (Debian package redis-server), or fix --queue`);
  } finally {
    client.disconnect();
  }
}

/** Options of the long-lived BullMQ connections: wait through Redis restarts instead of failing commands. */
export function queueConnection(target: RedisTarget): RedisOptions {
  return { ...target.options, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(100 * times, 2000) };
}
