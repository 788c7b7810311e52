"""`--record TOPIC#ANCHOR` for the Python and shell drivers: hands the measured part of a result row
to the one writer, bench/results-row.ts (which adds commit, date and machine, validates the row
with the schema of bench/results-table.ts, and appends it and its lab-log entry atomically)."""
import json
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))


def add_record_option(ap):
    ap.add_argument('--record', metavar='TOPIC#ANCHOR',
                    help='append the headline figure to bench/results/*.jsonl and a new entry '
                         'to bench/log/TOPIC.md#ANCHOR (through bench/results-row.ts)')


def command_as_run(prog, argv):
    """The driver's command line without --record: what reproduces the figure."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == '--record':
            skip = True
        elif not a.startswith('--record='):
            out.append(a)
    return ' '.join([prog] + [shlex.quote(a) for a in out])


def load_during(before, after):
    return f'load {before[0]} → {after[0]} (1-min average before → after)'


def _writer(table, spec, *extra, row=None):
    """Runs the TS writer; exits with its one-line error if it refuses."""
    node = shutil.which('node')
    if node is None:
        sys.exit('error: --record needs node on PATH (the row writer is bench/results-row.ts)')
    p = subprocess.run([node, '--import', 'tsx', os.path.join('bench', 'results-row.ts'), '--table', table,
                        '--record', spec, *extra], cwd=REPO, input=json.dumps(row) if row is not None else '',
                       text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sys.stderr.write(p.stderr + p.stdout)  # stderr: a driver's stdout may be one JSON object
    if p.returncode != 0:
        sys.exit(p.returncode)


def check_record(table, spec):
    """Before measuring: is TOPIC#ANCHOR well formed and still free? (a typo should not cost a run)"""
    if spec is not None:
        _writer(table, spec, '--check')


def record(table, spec, row):
    """Appends the row and its log entry."""
    _writer(table, spec, row=row)
