#!/usr/bin/python3
"""Shared driver logic for cuba-driver.sh and train-driver.sh (run with /usr/bin/python3).

Runs snn ("ours", via node dist/cli/main.js ... --json) and the Brian2 peer scripts
with the same parameters, one process at a time, measures the whole-process wall
time of every subprocess, and prints the exact commands, a table and ratios
ours/Brian2.  Brian2 build/cache directories live in one temporary directory that
is deleted at the end (also on error / Ctrl-C).

Cold vs warm:
  cython          cold = empty cython cache dir (everything compiled);
                  warm = the same process command again with that cache filled.
  cpp_standalone  cold = empty project dir (code generation + full make);
                  warm = same project dir again (files unchanged -> make has
                  nothing to compile; code generation still runs).
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from _record import add_record_option, check_record, command_as_run, load_during, record

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
PY = '/usr/bin/python3'


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def busy_cpu_seconds():
    """Machine-wide busy CPU seconds from /proc/stat (all cores)."""
    try:
        with open('/proc/stat') as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy / os.sysconf('SC_CLK_TCK')


OTHER_LOAD = []   # per subprocess: average number of cores used by OTHER processes meanwhile


def run_cmd(cmd, cwd, timeout):
    """Run cmd; return (rc, stdout, stderr, wall_seconds).

    Also estimates how busy the machine was with other processes while cmd ran:
    (machine busy CPU seconds - CPU seconds of cmd and its waited-for children) / wall.
    """
    log('$ ' + ' '.join(shlex.quote(c) for c in cmd) + (f'    (cwd {cwd})' if cwd != os.getcwd() else ''))
    b0, c0 = busy_cpu_seconds(), os.times()
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = 124, '', f'timeout after {timeout} s'
    except FileNotFoundError as e:
        rc, out, err = 127, '', str(e)
    wall = time.perf_counter() - t
    b1, c1 = busy_cpu_seconds(), os.times()
    if b0 is not None and b1 is not None and wall > 0:
        mine = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system) \
            + (c1.user - c0.user) + (c1.system - c0.system)
        other = max(0.0, (b1 - b0) - mine) / wall
        OTHER_LOAD.append(other)
        log(f'   wall {wall:.2f} s; other processes used on average {other:.2f} of {os.cpu_count()} cores meanwhile')
    return rc, out, err, wall


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith('{'):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                pass
    # maybe pretty-printed
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def fmt(x, nd=3):
    if x is None:
        return '-'
    if isinstance(x, float):
        if x != 0 and abs(x) < 0.1:
            return f'{x:.2g}' if abs(x) < 0.001 else f'{x:.4f}'
        if abs(x) >= 1000:
            return f'{x:.0f}'
        return f'{x:.{nd}f}'
    return str(x)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def machine_info():
    model = '?'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = open('/proc/loadavg').read().split()[:3]
    except OSError:
        load = ['?'] * 3
    return {'nproc': os.cpu_count(), 'cpu': model, 'loadavg': load,
            'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}


def run_ours(cmd, timeout):
    main_js = os.path.join(REPO, 'dist', 'cli', 'main.js')
    if shutil.which('node') is None:
        return None, 'node not found on PATH; ours skipped'
    if not os.path.exists(main_js):
        return None, (f'{main_js} does not exist (snn not built: run `npm run build` in {REPO}); '
                      'ours skipped')
    rc, out, err, wall = run_cmd(cmd, REPO, timeout)
    if rc != 0:
        tail = '\n'.join(err.strip().splitlines()[-5:])
        return None, f'ours failed (exit {rc}); stderr tail:\n{tail}'
    js = last_json(out)
    if js is None:
        return None, 'ours printed no JSON object on stdout; ours skipped'
    js['_wallSeconds'] = wall
    js['_otherCores'] = OTHER_LOAD[-1] if OTHER_LOAD else None
    return js, None


def run_peer(cmd, timeout):
    rc, out, err, wall = run_cmd(cmd, HERE, timeout)
    if rc != 0:
        tail = '\n'.join(err.strip().splitlines()[-15:])
        log(f'!! Brian2 run failed (exit {rc}):\n{tail}')
        return None
    js = last_json(out)
    if js is None:
        log('!! Brian2 script printed no JSON')
        return None
    js['_wallSeconds'] = wall
    js['_otherCores'] = OTHER_LOAD[-1] if OTHER_LOAD else None
    return js


def brian2_runs(script, common, targets, tmp, timeout, warm=1):
    """Return list of (label, cmd, result): one cold run and `warm` warm runs per target."""
    runs = []
    for target in targets:
        if target == 'cpp_standalone':
            d = os.path.join(tmp, 'standalone_project')
            extra = ['--build-dir', d]
        elif target == 'cython':
            d = os.path.join(tmp, 'cython_cache')
            extra = ['--cython-cache', d]
        else:
            d = None
            extra = []
        shutil.rmtree(d, ignore_errors=True) if d else None
        cmd = [PY, script] + common + ['--target', target, '--json'] + extra
        modes = (['cold'] + [f'warm{r + 1}' for r in range(warm)]) if d else ['run']
        for mode in modes:
            res = run_peer(cmd, timeout)
            runs.append((f'brian2 {target} {mode}', cmd, res))
            if res is None:
                break
    return runs


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else 0.5 * (xs[m - 1] + xs[m])


def summarise(rows, metrics):
    """Per Brian2 target: median of each Brian2 figure over all its runs, cold wall, median warm wall."""
    out = {}
    for label, _, r in rows:
        if label == 'ours' or r is None:
            continue
        t = r.get('target')
        d = out.setdefault(t, {'m': {}, 'cold': None, 'warm': [], 'n': 0})
        d['n'] += 1
        for name, fn, _, _ in metrics:
            d['m'].setdefault(name, []).append(fn(r))
        if label.endswith('cold') or label.endswith('run'):
            d['cold'] = r.get('_wallSeconds')
        else:
            d['warm'].append(r.get('_wallSeconds'))
    return {t: {'metrics': {k: median(v) for k, v in d['m'].items()}, 'n': d['n'],
                'cold': d['cold'], 'warm': median(d['warm']), 'nwarm': len(d['warm'])}
            for t, d in out.items()}


def print_summary(rows, metrics, ours_wall):
    """metrics: list of (brian2 column name, fn(brian2 result) -> value, ratio column name, ours value)."""
    summ = summarise(rows, metrics)
    have_ours = ours_wall is not None
    names = []
    for name, _, _, _ in metrics:
        if name not in names:
            names.append(name)
    print('Brian2 summary (median of each figure over all runs of a target, n = runs; '
          'whole-process: the cold run, and the median of the warm runs):')
    hdr = ['Brian2 target', 'n'] + names + ['whole cold s', 'whole warm s']
    ratios = [(name, rname, o) for name, _, rname, o in metrics if rname and o is not None]
    if have_ours:
        hdr += [rname for _, rname, _ in ratios] + ['ours whole / Brian2 whole cold',
                                                    'ours whole / Brian2 whole warm']
    print('| ' + ' | '.join(hdr) + ' |')
    print('|' + '---|' * len(hdr))
    for t, d in summ.items():
        cells = [t, str(d['n'])] + [fmt(d['metrics'][n]) for n in names] + [fmt(d['cold']), fmt(d['warm'])]
        if have_ours:
            cells += [fmt(ratio(o, d['metrics'][name]), 2) for name, _, o in ratios]
            cells += [fmt(ratio(ours_wall, d['cold']), 2), fmt(ratio(ours_wall, d['warm']), 2)]
        print('| ' + ' | '.join(cells) + ' |')
    print()
    return summ


def print_commands(rows):
    print('Commands (in order; Brian2 dirs are temporary and deleted afterwards):')
    for label, cmd, _ in rows:
        print(f'  [{label}] ' + ' '.join(shlex.quote(c) for c in cmd))
    print()


def print_cuba_tables(rows, ours):
    """Per-run table, Brian2 summary and ratios (also used to render saved JSON)."""
    hdr = ['run', 'backend', 'loop s', 'loop CPU s', 'whole-process s', 'build s', 'compile s', 'spikes', 'rate Hz', 'synapses',
           'other procs (cores)']
    print('| ' + ' | '.join(hdr) + ' |')
    print('|' + '---|' * len(hdr))
    for label, _, r in rows:
        if r is None:
            print(f'| {label} | (no result) |' + ' - |' * (len(hdr) - 2))
            continue
        print('| ' + ' | '.join([
            label, str(r.get('backend', r.get('target', '-'))), fmt(r.get('simLoopSeconds')),
            fmt(r.get('simLoopCpuSeconds')), fmt(r.get('_wallSeconds')), fmt(r.get('buildSeconds')),
            fmt(r.get('codegenCompileSeconds')), fmt(r.get('spikes')), fmt(r.get('meanRateHz'), 2),
            fmt(r.get('synapses')), fmt(r.get('_otherCores'), 2)]) + ' |')
    print()
    og = (lambda k: ours.get(k)) if ours else (lambda k: None)
    summ = print_summary(rows, [
        ('loop s', lambda r: r.get('simLoopSeconds'), 'ours loop / Brian2 loop', og('simLoopSeconds')),
        ('loop CPU s', lambda r: r.get('simLoopCpuSeconds'), 'ours loop CPU / Brian2 loop CPU',
         og('simLoopCpuSeconds')),
    ], og('_wallSeconds'))
    if ours is not None:
        print('Ratios are ours / Brian2: > 1 means snn is slower. ours "loop s" is wall time of its loop, '
              '"loop CPU s" its process CPU time during the loop.')
    else:
        print('No ratios: ours did not produce a result (see NOTE above); Brian2 figures only.')
    return summ


def print_train_tables(rows, ours):
    """Per-run table, Brian2 summary and ratios (also used to render saved JSON)."""
    hdr = ['run', 'ms/sample', 'loop s', 'loop CPU s', 'whole-process s', 'compile s', 'exc spikes/sample',
           'other procs (cores)']
    print('| ' + ' | '.join(hdr) + ' |')
    print('|' + '---|' * len(hdr))

    def ms_per_sample(r):
        for k in ('msPerSampleMedian', 'msPerSample', 'msPerSampleMean'):
            if r.get(k) is not None:
                return r[k], k
        return None, None

    for label, _, r in rows:
        if r is None:
            print(f'| {label} | (no result) |' + ' - |' * (len(hdr) - 2))
            continue
        m, k = ms_per_sample(r)
        print('| ' + ' | '.join([
            label + (f' ({k})' if k else ''), fmt(m, 2), fmt(r.get('simLoopSeconds', r.get('loopSeconds'))),
            fmt(r.get('simLoopCpuSeconds')), fmt(r.get('_wallSeconds')), fmt(r.get('codegenCompileSeconds')),
            fmt(r.get('excSpikesPerSample', r.get('spikesPerSample')), 2), fmt(r.get('_otherCores'), 2)]) + ' |')
    print()
    og = (lambda k: ours.get(k)) if ours else (lambda k: None)
    cpu_per_sample = lambda r: (1000.0 * r['simLoopCpuSeconds'] / r['samples']  # noqa: E731
                                if r.get('simLoopCpuSeconds') is not None and r.get('samples') else None)
    summ = print_summary(rows, [
        ('ms/sample', lambda r: r.get('msPerSample'), 'ours median / Brian2 ms/sample',
         og('msPerSampleMedian')),
        ('ms/sample', lambda r: r.get('msPerSample'), 'ours mean / Brian2 ms/sample', og('msPerSampleMean')),
        ('CPU ms/sample', cpu_per_sample, 'ours CPU median / Brian2 CPU ms/sample',
         og('cpuMsPerSampleMedian')),
        ('CPU ms/sample', cpu_per_sample, 'ours CPU mean / Brian2 CPU ms/sample',
         og('cpuMsPerSampleMean')),
    ], og('_wallSeconds'))
    if ours is not None:
        print('Ratios are ours / Brian2; > 1 means snn is slower. Brian2 ms/sample = loop seconds / samples '
              '(one run(), i.e. a mean); ours is timed per sample (median and mean shown). Brian2 CPU ms/sample = '
              'loop process CPU time / samples; ours = per-sample process CPU time (median and mean).')
        if ours.get('presentationsPerSample') not in (None, 1, 1.0):
            print(f"NOTE: ours used {ours.get('presentationsPerSample')} presentations per sample.")
    else:
        print('No ratios: ours did not produce a result (see NOTE above); Brian2 figures only.')
    return summ


def headline_target(summ):
    """The Brian2 target a recorded row compares with: C++ standalone when it ran, else the first."""
    return 'cpp_standalone' if 'cpp_standalone' in summ else next(iter(summ), None)


def record_ratio(spec, prog, argv, info, rows, note, summ, brian2_metric, ours_value, row):
    """--record: one row, ours / Brian2 on `brian2_metric` of the headline target; refuses without a ratio."""
    t = headline_target(summ)
    theirs = summ[t]['metrics'].get(brian2_metric) if t else None
    ours = next((r for l, _, r in rows if l == 'ours'), None)
    if ours is None or ours_value is None or not theirs:
        sys.exit(f'error: --record needs a ratio snn / Brian2, and this run has none ({note or "Brian2 produced no result"})')
    brian2 = next(r for l, _, r in rows if l != 'ours' and r is not None and r.get('target') == t)
    row = dict(row(t, brian2, ours_value, theirs))
    row.update(value=round(ours_value / theirs, 2), precision=2, unit='×', command=command_as_run(prog, argv),
               backend=f"{ours.get('backendDetail', ours.get('backend', '?'))}; Brian2 {brian2.get('brian2Version', '?')} {t}",
               load=load_during(info['loadavg'], info['loadavgAfter']))
    record('speed', spec, row)


def run_brian2_and_report(a, info, rows, ours, note, script, common, targets, print_tables):
    """Runs Brian2's `script` on each target (appended to `rows`), prints the commands, the tables and
    the load after, writes --save-json; returns the summary per target."""
    tmp = tempfile.mkdtemp(prefix='snn_driver_')
    try:
        rows += brian2_runs(os.path.join(HERE, script), common, targets, tmp, a.timeout, warm=a.warm_repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    info['loadavgAfter'] = open('/proc/loadavg').read().split()[:3]
    print_commands(rows)
    if note:
        print(f'NOTE: {note}\n')
    summ = print_tables(rows, ours)
    print(f"loadavg after: {' '.join(info['loadavgAfter'])}")
    print("'loop s' is Brian2's own loop timer: wall time for cython/numpy, process CPU time (std::clock) for "
          "cpp_standalone; 'loop CPU s' is process CPU time of the loop for every Brian2 target.")
    print("'other procs (cores)' = average number of cores busy with processes other than the run itself "
          "while it ran (from /proc/stat); > 0.1 means the machine was shared.")
    if a.save_json:
        with open(a.save_json, 'w') as f:
            json.dump({'machine': info, 'summary': summ, 'runs': [
                {'label': l, 'command': c, 'result': r} for l, c, r in rows], 'note': note}, f, indent=1)
    return summ


def main_cuba(argv):
    ap = argparse.ArgumentParser(prog='cuba-driver.sh')
    ap.add_argument('--neurons', type=int, default=4000)
    ap.add_argument('--duration', type=float, default=1000.0, help='ms')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--targets', default='cython,cpp_standalone',
                    help='comma list of cython,cpp_standalone,numpy')
    ap.add_argument('--no-ours', action='store_true')
    ap.add_argument('--ours-args', default='', help='extra arguments for the snn command (one string)')
    ap.add_argument('--warm-repeats', type=int, default=3,
                    help='warm Brian2 runs per target after the cold one (default 3)')
    ap.add_argument('--timeout', type=float, default=3600)
    ap.add_argument('--save-json', metavar='FILE', help='write all raw results to FILE')
    add_record_option(ap)
    a = ap.parse_args(argv)
    check_record('speed', a.record)
    targets = [t for t in a.targets.split(',') if t]
    info = machine_info()
    print(f"CUBA benchmark  N={a.neurons}  duration={a.duration:g} ms  seed={a.seed}  (p=0.02, dt=0.1 ms)")
    print(f"date {info['date']}  nproc {info['nproc']}  cpu {info['cpu']}  loadavg(before) {' '.join(info['loadavg'])}")
    print()
    rows = []
    ours_cmd = ['node', 'dist/cli/main.js', 'bench', 'cuba', '--neurons', str(a.neurons),
                '--duration', f'{a.duration:g}', '--seed', str(a.seed), '--json'] + shlex.split(a.ours_args)
    ours = None
    note = None
    if not a.no_ours:
        ours, note = run_ours(ours_cmd, a.timeout)
        rows.append(('ours', ours_cmd, ours))
    common = ['--neurons', str(a.neurons), '--duration', f'{a.duration:g}', '--seed', str(a.seed)]
    summ = run_brian2_and_report(a, info, rows, ours, note, 'brian2_cuba.py', common, targets, print_cuba_tables)
    if a.record:
        og = ours or {}

        def cuba_row(t, brian2, o, b):
            whole = [f"whole process snn / {k} Brian2 {fmt(ratio(og.get('_wallSeconds'), summ[t][k]), 2)}×"
                     for k in ('cold', 'warm') if summ[t][k]]
            return {'what': f'CUBA N = {a.neurons}, {a.duration / 1000:g} s: loop, snn / Brian2',
                    'metric': 'loop process CPU time ratio', 'compare': f'snn {o:.4f} s, Brian2 {b:.4f} s',
                    'notes': whole + [f"spikes: snn {og.get('spikes')}, Brian2 {brian2.get('spikes')}",
                                      f"Brian2 runs of {t}: {summ[t]['n']} (loop figure: their median)",
                                      f"other processes (cores) during snn's run: {fmt(og.get('_otherCores'), 2)}"]}
        record_ratio(a.record, 'bash bench/peers/cuba-driver.sh', argv, info, rows, note, summ, 'loop CPU s',
                     og.get('simLoopCpuSeconds'), cuba_row)
    return 0 if all(r is not None for l, _, r in rows if l != 'ours') else 1


def main_train(argv):
    ap = argparse.ArgumentParser(prog='train-driver.sh')
    ap.add_argument('--neurons', type=int, default=400)
    ap.add_argument('--samples', type=int, default=50)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--targets', default='cpp_standalone,cython')
    ap.add_argument('--no-ours', action='store_true')
    ap.add_argument('--ours-args', default='', help='extra arguments for the snn command (one string)')
    ap.add_argument('--warm-repeats', type=int, default=1,
                    help='warm Brian2 runs per target after the cold one (default 1)')
    ap.add_argument('--first-sample', type=int, default=0)
    ap.add_argument('--represent', action='store_true',
                    help="Brian2: apply D&C's re-presentation rule (samples = presentation windows)")
    ap.add_argument('--traces', choices=['synapse', 'neuron'], default='synapse',
                    help='Brian2 STDP traces per synapse (default) or per neuron')
    ap.add_argument('--timeout', type=float, default=7200)
    ap.add_argument('--save-json', metavar='FILE')
    add_record_option(ap)
    a = ap.parse_args(argv)
    check_record('speed', a.record)
    targets = [t for t in a.targets.split(',') if t]
    info = machine_info()
    print(f"Diehl & Cook 2015 training  N={a.neurons}  samples={a.samples} (first {a.samples} MNIST training images)  "
          f"seed={a.seed}  Brian2 STDP traces per {a.traces}")
    print(f"date {info['date']}  nproc {info['nproc']}  cpu {info['cpu']}  loadavg(before) {' '.join(info['loadavg'])}")
    print()
    rows = []
    ours_cmd = ['node', 'dist/cli/main.js', 'bench', 'train', '--model', 'diehl-cook-2015',
                '--neurons', str(a.neurons), '--samples', str(a.samples), '--seed', str(a.seed)] \
        + (['--first-sample', str(a.first_sample)] if a.first_sample else []) \
        + (['--represent'] if a.represent else []) + ['--json'] + shlex.split(a.ours_args)
    ours, note = None, None
    if not a.no_ours:
        ours, note = run_ours(ours_cmd, a.timeout)
        rows.append(('ours', ours_cmd, ours))
    common = ['--neurons', str(a.neurons), '--samples', str(a.samples), '--seed', str(a.seed),
              '--first-sample', str(a.first_sample)] + (['--represent'] if a.represent else []) \
        + (['--traces', a.traces] if a.traces != 'synapse' else [])
    summ = run_brian2_and_report(a, info, rows, ours, note, 'brian2_diehl_cook.py', common, targets, print_train_tables)
    if a.record:
        og = ours or {}

        def train_row(t, brian2, o, b):
            return {'what': f'Diehl & Cook 2015 training N = {a.neurons} (K = {a.samples}), snn / Brian2',
                    'metric': 'CPU time per training sample ratio',
                    'compare': f'snn {o:.2f} ms, Brian2 {b:.2f} ms (STDP traces per {a.traces})',
                    'notes': [f"wall ms per sample: snn median {fmt(og.get('msPerSampleMedian'), 2)}, "
                              f"Brian2 {fmt(summ[t]['metrics'].get('ms/sample'), 2)}",
                              f"other processes (cores) during snn's run: {fmt(og.get('_otherCores'), 2)}"]}
        record_ratio(a.record, 'bash bench/peers/train-driver.sh', argv, info, rows, note, summ, 'CPU ms/sample',
                     og.get('cpuMsPerSampleMedian'), train_row)
    return 0 if all(r is not None for l, _, r in rows if l != 'ours') else 1


def main_render(argv):
    """Re-print the tables of a file written with --save-json."""
    if len(argv) != 1:
        sys.exit('usage: _driver.py render SAVED.json')
    with open(argv[0]) as f:
        saved = json.load(f)
    rows = [(x['label'], x['command'], x['result']) for x in saved['runs']]
    ours = next((r for l, _, r in rows if l == 'ours'), None)
    kinds = {r.get('benchmark') for l, _, r in rows if r is not None and l != 'ours'}
    m = saved.get('machine', {})
    print(f"saved {argv[0]}: date {m.get('date')}  nproc {m.get('nproc')}  cpu {m.get('cpu')}  "
          f"loadavg before {' '.join(m.get('loadavg', []))}  after {' '.join(m.get('loadavgAfter', []))}")
    print()
    print_commands(rows)
    if saved.get('note'):
        print(f"NOTE: {saved['note']}\n")
    if kinds == {'cuba'}:
        print_cuba_tables(rows, ours)
    elif kinds == {'diehl-cook-2015'}:
        print_train_tables(rows, ours)
    else:
        sys.exit(f'cannot tell the benchmark of {argv[0]} ({kinds})')
    return 0


if __name__ == '__main__':
    mains = {'cuba': main_cuba, 'train': main_train, 'render': main_render}
    if len(sys.argv) < 2 or sys.argv[1] not in mains:
        sys.exit('usage: _driver.py cuba|train [options]  |  _driver.py render SAVED.json')
    sys.exit(mains[sys.argv[1]](sys.argv[2:]))
