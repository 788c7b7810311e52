/**
 * `--queue` URLs, the worker's admission of queued jobs (the door: schema, version, id) and the
 * confinement of run directories to the artifacts directory. No Redis needed here (see
 * test/queue-sweep.test.ts for the real one).
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobId, type JobSpec } from '../jobs/job.js';
import { runDirOf } from '../sweep/run-dir.js';
import { parseRedisUrl } from './redis-url.js';
import { admitJob } from './worker.js';

describe('parseRedisUrl', () => {
  it('reads host, port, database, password and TLS; the display form has no password', () => {
    const t = parseRedisUrl('rediss://:s3cr%40t@cache.example.org:6380/2');
    expect(t).toMatchObject({ host: 'cache.example.org', port: 6380, db: 2, display: 'rediss://cache.example.org:6380/2' });
    expect(t.options).toMatchObject({ host: 'cache.example.org', port: 6380, db: 2, password: 's3cr@t', tls: {} });
    expect(parseRedisUrl('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0, display: 'redis://127.0.0.1:6379/0' });
    expect(parseRedisUrl('redis://127.0.0.1:7000').options).not.toHaveProperty('tls');
    expect(parseRedisUrl('redis://user:pw@[::1]:7000/').options).toMatchObject({ host: '::1', username: 'user', password: 'pw' });
  });

  it.each([
    ['localhost:6379', /must start with redis:\/\/ or rediss:\/\//],
    ['http://h:6379', /must start with redis:\/\//],
    ['redis://', /names no host/],
    ['redis://h:99999', /malformed Redis URL/],
    ['redis://h:6379/db1', /the path must be a database number/],
    ['redis://h:6379/1?x=1', /query or fragment/],
    ['not a url', /malformed Redis URL/],
  ])('refuses %s with one line', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never prints a password, not even of a malformed URL', () => {
    for (const url of ['redis://:hunter2@h:99999', 'http://:hunter2@h:1', 'redis://:hunter2@h:1/x']) {
      let message = '';
      try {
        parseRedisUrl(url);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('admitJob', () => {
  const spec: JobSpec = { kind: 'train', snnVersion: '1.0.0', model: 'hao2020', dataset: 'mnist', neurons: 20, rules: [], recipe: null, set: {}, sampler: null, transforms: [], policy: null, seed: 1, budgetSamples: 40, testSamples: 40, evalAt: [40] };

  it('admits a valid job of its own version under its content id', () => {
    expect(admitJob(spec, jobId(spec), '1.0.0')).toEqual(spec);
  });

  it.each([
    ['another version', spec, jobId(spec), /submitted by snn 1\.0\.0; this worker is snn 2\.0\.0/],
    ['another kind', { ...spec, kind: 'exec', command: 'sh' }, 'x', /bad job field 'kind'/],
    ['extra fields', { ...spec, script: 'curl …' }, jobId(spec), /bad job field 'job': .*script/],
    ['an id not matching its content', spec, '0000000000000000', /does not match its content/],
    ['a path as id', spec, '../../etc', /does not match its content/],
  ])('refuses %s, finally (no retries)', (_what, data, id, message) => {
    const run = () => admitJob(data, id, _what === 'another version' ? '2.0.0' : '1.0.0');
    expect(run).toThrow(UnrecoverableError);
    expect(run).toThrow(message);
  });
});

describe('runDirOf', () => {
  const root = join(tmpdir(), 'artifacts');
  it('puts a job id directly under the root', () => {
    expect(runDirOf(root, '0123456789abcdef')).toBe(join(resolve(root), '0123456789abcdef'));
  });
  it.each(['..', '../x', '/etc', 'a/../../b', '0123456789abcdef/..', '0123456789ABCDEF', ''])('refuses %j', (id) => {
    expect(() => runDirOf(root, id)).toThrow(/does not name a directory inside/);
  });
});
