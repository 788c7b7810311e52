/**
 * A vitest reporter that ends every run with the list of tests that did not run and why (the note
 * of `ctx.skip(note)`, e.g. test/helpers/requirement.ts's "needs … — install: …", else the mode:
 * skip or todo), and the number that ran. Nothing is skipped silently.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { onCi } from '../helpers/requirement.js';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    let ran = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'skipped') {
          const why = r.note ?? (t.options.mode === 'todo' ? 'todo' : 'it.skip, or left out by -t / .only');
          skipped.push(`  ${m.moduleId.replace(`${process.cwd()}/`, '')} > ${t.fullName}: ${why}`);
        } else if (r.state === 'passed' || r.state === 'failed') ran++;
      }
    }
    const lines = [`\n${ran} tests ran, ${skipped.length} skipped${skipped.length ? ':' : '.'}`, ...skipped];
    process.stdout.write(`${lines.join('\n')}\n`);
    // On CI a skip is a failure: the environment is expected to have every tool and data set.
    if (onCi() && skipped.length > 0) {
      process.stdout.write('CI is set: skipped tests fail the run (install what their notes name).\n');
      process.exitCode = 1;
    }
  }
}
