/**
 * Every option of every command that takes a value says in --help what happens without it: it is
 * marked required, or it has a default (commander's, or one the description states). Checked on
 * the command tree, and on the help text of the installed CLI for `snn train`.
 */
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../test/helpers/cli-bin.js';
import { childEnv } from '../test/helpers/test-env.js';
import { buildProgram } from './main.js';

function* commands(c: Command, prefix = ''): Generator<[string, Command]> {
  for (const sub of c.commands) {
    yield [`${prefix}${sub.name()}`, sub];
    yield* commands(sub, `${prefix}${sub.name()} `);
  }
}

describe('snn --help', () => {
  it('marks every required option and documents the default of every other option with a value', () => {
    const undocumented: string[] = [];
    for (const [name, cmd] of commands(buildProgram())) {
      for (const o of cmd.options) {
        if (o.mandatory && !/required/.test(o.description)) undocumented.push(`${name} ${o.flags}: required but not marked`);
        if (!(o.required || o.optional) || o.mandatory) continue;
        if (o.defaultValue !== undefined || /\b(default|required|repeatable)\b|instead of --/.test(o.description)) continue;
        undocumented.push(`${name} ${o.flags}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('snn train --help says which options a new run requires', () => {
    const r = spawnSync(process.execPath, [cliEntry(), 'train', '--help'], { env: childEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Each option's entry (help wraps long descriptions onto indented lines).
    const entries = r.stdout.split(/\n(?= {2}-)/).map((e) => e.replace(/\s+/g, ' ').trim());
    for (const flag of ['--neurons <n>', '--seed <n>', '--out <dir>']) {
      expect(entries.find((e) => e.startsWith(flag)), flag).toMatch(/required for a new run/);
    }
  }, 300_000);
});
