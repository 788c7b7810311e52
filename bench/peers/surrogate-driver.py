#!/usr/bin/python3
"""Runs `snn bench surrogate` and its PyTorch peer (torch_surrogate.py) with the same settings,
one process after the other, and prints the commands, both results and the ratios snn/PyTorch
(> 1: snn is slower or bigger).

  /usr/bin/python3 bench/peers/surrogate-driver.py --samples 2000 --test 1000 --batch 16 [--hidden 100]
      [--steps 20] [--lr 0.01] [--seed 1] [--json] [--record TOPIC#ANCHOR]

snn runs as `node dist/cli/main.js bench surrogate ... --json` when dist/ is built, else through
tsx from the sources (`npx tsx cli/main.ts ...`, the same code). Both are single-threaded (tfjs
wasm has one thread in Node; the peer calls torch.set_num_threads(1)). CPU ms per sample is the
figure to trust on a loaded machine; wall ms is printed too. SNN_TENSOR_FUSED=0 in the environment
runs snn's op-by-op tensor path (no fused LIF kernel) for comparison. `--record TOPIC#ANCHOR` appends
the CPU-ms-per-training-sample ratio as a row of bench/results/speed.jsonl with its lab-log entry
(bench/peers/_record.py → bench/results-row.ts).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

from _record import add_record_option, check_record, command_as_run, load_during, record

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))


def run(cmd):
    print('$ ' + ' '.join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f'error: command failed ({p.returncode}): {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""}')
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    sys.exit('error: no JSON printed by ' + cmd[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for k, d in (('samples', 2000), ('test', 1000), ('hidden', 100), ('steps', 20), ('batch', 16), ('seed', 1)):
        ap.add_argument(f'--{k}', type=int, default=d)
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--json', action='store_true')
    add_record_option(ap)
    a = ap.parse_args()
    check_record('speed', a.record)
    load_before = os.getloadavg()
    common = ['--samples', str(a.samples), '--test', str(a.test), '--hidden', str(a.hidden), '--steps', str(a.steps),
              '--batch', str(a.batch), '--lr', str(a.lr), '--seed', str(a.seed)]
    dist = os.path.join(REPO, 'dist', 'cli', 'main.js')
    snn = (['node', dist] if os.path.exists(dist) else ['npx', 'tsx', 'cli/main.ts']) + ['bench', 'surrogate'] + common + ['--json']
    ours = run(snn)
    peer = run(['/usr/bin/python3', os.path.join(HERE, 'torch_surrogate.py')] + common)
    keys = ('msPerTrainSample', 'cpuMsPerTrainSample', 'msPerTestSample', 'cpuMsPerTestSample', 'testAccuracy', 'peakRssMb')
    ratios = {k: ours[k] / peer[k] if peer[k] else None for k in keys}
    if a.record:
        record('speed', a.record, {
            'what': f'surrogate BPTT 784-{a.hidden}-10 LIF, T {a.steps}, batch {a.batch}, {a.samples} samples: snn / PyTorch',
            'metric': 'CPU ms per training sample, snn / PyTorch',
            'value': round(ratios['cpuMsPerTrainSample'], 2), 'precision': 2, 'unit': '×',
            'compare': f"snn {ours['cpuMsPerTrainSample']:.3f} ms, PyTorch {peer['cpuMsPerTrainSample']:.3f} ms",
            'command': command_as_run('/usr/bin/python3 bench/peers/surrogate-driver.py', sys.argv[1:]),
            'backend': f"{ours['tensorBackend']}; PyTorch peer {peer['peer']}, {peer['threads']} thread(s)",
            'load': load_during([f'{x:.2f}' for x in load_before], [f'{x:.2f}' for x in os.getloadavg()]),
            'notes': [f"{k}: snn {ours[k]:.3f}, PyTorch {peer[k]:.3f}" for k in keys],
        })
    if a.json:
        print(json.dumps({'snn': ours, 'pytorch': peer, 'ratio': ratios}))
        return
    print(f"784-{a.hidden}-10 LIF, T = {a.steps}, batch {a.batch}, Adam lr {a.lr}, {a.samples} training / {a.test} test samples, seed {a.seed}")
    print(f"snn: {ours['tensorBackend']}; peer: {peer['peer']}, {peer['threads']} thread(s)")
    print(f"{'':24}{'snn':>12}{'pytorch':>12}{'snn/pytorch':>14}")
    for k in keys:
        r = ratios[k]
        print(f"{k:24}{ours[k]:12.3f}{peer[k]:12.3f}{(f'{r:.2f}' if r is not None else '-'):>14}")


if __name__ == '__main__':
    main()
