#!/usr/bin/python3
"""Brian2 peer for the snn CUBA benchmark (run with /usr/bin/python3, Brian2 2.5.1).

The network is Brian2's examples/CUBA.py (Vogels & Abbott 2005, as in Brette et
al. 2007), with the size and duration made parameters:

  * N LIF neurons, the first int(0.8*N) excitatory, the rest inhibitory
  * dv/dt = (ge + gi - (v - El)) / taum  (unless refractory)
    dge/dt = -ge / taue,  dgi/dt = -gi / taui        (all in volt)
  * taum 20 ms, taue 5 ms, taui 10 ms, Vt -50 mV, Vr -60 mV, El -49 mV,
    refractory 5 ms, threshold v > Vt, reset v = Vr, method='exact'
  * E->all: on_pre ge += we, we = 60*0.27/10 mV = 1.62 mV
    I->all: on_pre gi += wi, wi = -20*4.5/10 mV = -9 mV
    each pair connected independently with probability p (default 0.02,
    self-connections allowed, exactly as Ce.connect('i<3200', p=0.02) in
    the example); weights are NOT rescaled with N.
  * v0 = Vr + rand()*(Vt - Vr), ge0 = gi0 = 0, dt = 0.1 ms
  * a SpikeMonitor on all neurons (as in the example) -- its cost is part of
    the loop time, and it provides the spike count.

Timing (all wall-clock seconds unless stated):
  importSeconds          `from brian2 import *`
  buildSeconds           Python-side construction of the network objects.
                         Runtime targets (numpy/cython): includes creating the
                         synapses (connect) and initialising v, which for
                         cython includes compiling those code objects if the
                         cython cache is cold.  cpp_standalone: only records
                         the objects (synapses are created inside the binary).
  warmupSeconds          runtime targets: a run(0*ms) before the timed run(),
                         which only generates/compiles (or loads from the
                         cython cache) all code objects; no time step is
                         simulated, the results are unchanged.  (--no-warmup
                         skips it; then the compilation is in runCallSeconds.)
  runCallSeconds         runtime targets: the timed run() call (before_run()
                         again -- cheap after the warm-up, except for work that
                         Brian2 redoes every run such as building the spike
                         queues -- plus the loop).
                         cpp_standalone: the run() call, which only generates
                         code for the network (nothing is simulated).
  codegenCompileSeconds  runtime targets: warmupSeconds + runCallSeconds -
                         simLoopSeconds.
                         cpp_standalone: run() call + device.build() time
                         minus the time spent running the binary (= code
                         generation + writing the project + make).
  makeSeconds            cpp_standalone: Brian2's own timer around `make`.
  runBinarySeconds       cpp_standalone: Brian2's own timer around ./main
                         (creates synapses, initialises, runs the loop, writes
                         results).
  simLoopSeconds         the simulation loop alone, as recorded by Brian2:
                         runtime: `device._last_run_time` set by Network.run()
                         (time.time() around the loop, after before_run());
                         cpp_standalone: `device._last_run_time` read from
                         results/last_run_info.txt, written by network.cpp
                         which measures the loop with std::clock() (CPU time
                         of the process; equals wall time for 1 thread when
                         the machine is idle).  simLoopClock says which.
  simLoopCpuSeconds      process CPU time of the loop.  runtime: a
                         NetworkOperation at t = 0 (slot 'start', order -1000,
                         runs once) reads time.process_time(), read again when
                         run() returns; cpp_standalone: = simLoopSeconds.
  scriptSeconds          from the start of this script (before importing
                         brian2) to just before printing; the driver measures
                         the whole process (interpreter start-up included)
                         around the subprocess.

Output: one JSON object on stdout (with --json; otherwise a readable summary).
Keys: peer, benchmark, brian2Version, target, neurons, excitatory, inhibitory,
connectionProbability, durationMs, dtMs, seed, synapses, spikes, meanRateHz,
importSeconds, buildSeconds, runCallSeconds, codegenCompileSeconds,
makeSeconds, runBinarySeconds, simLoopSeconds, simLoopClock, warmupSeconds,
simLoopCpuSeconds, resultsSeconds (reading the
results back, incl. --record-spikes), scriptSeconds, cacheDir,
buildDir, python.

Seeds: seed(S) seeds numpy (runtime) and the C++ generator (standalone), but
the random streams differ between targets, so spikes for the same seed are
only statistically comparable across targets (and with snn).
"""
import argparse
import json
import shutil
import sys
import time
import warnings

T0 = time.time()


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--neurons', type=int, default=4000)
    ap.add_argument('--duration', type=float, default=1000.0, help='ms of biological time')
    ap.add_argument('--target', choices=['cython', 'cpp_standalone', 'numpy'], default='cpp_standalone')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--p', type=float, default=0.02, help='connection probability')
    ap.add_argument('--no-warmup', action='store_true',
                    help='runtime targets: do not compile with a run(0*ms) before the timed run()')
    ap.add_argument('--json', action='store_true', help='print one JSON object')
    ap.add_argument('--record-spikes', metavar='FILE',
                    help='write {"spikes": [[t_ms, i], ...]} to FILE')
    ap.add_argument('--build-dir', metavar='DIR',
                    help='cpp_standalone project directory (kept; reuse it for a warm build). '
                         'Default: a temporary directory deleted at exit.')
    ap.add_argument('--cython-cache', metavar='DIR',
                    help='cython extension cache directory (empty dir = cold compile). '
                         "Default: Brian2's default cache (~/.cython/brian_extensions).")
    return ap.parse_args()


def main():
    args = parse_args()
    if args.neurons < 2:
        sys.exit('--neurons must be >= 2')
    warnings.filterwarnings('ignore', category=FutureWarning)  # pythran/numpy noise at import
    t_imp = time.time()
    import brian2
    from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, collect, defaultclock, ms, mV,
                        second, seed)
    from _brian2_timing import closing_fields, emit, select_target, timed_run, timing_fields
    import numpy as np
    import_s = time.time() - t_imp

    build_dir, tmp_build = select_target(args.target, args.build_dir, args.cython_cache, 'brian2_cuba_')

    try:
        t_b = time.time()
        seed(args.seed)
        defaultclock.dt = 0.1 * ms
        N = args.neurons
        NE = int(0.8 * N)
        taum = 20 * ms
        taue = 5 * ms
        taui = 10 * ms
        Vt = -50 * mV
        Vr = -60 * mV
        El = -49 * mV
        we = (60 * 0.27 / 10) * mV
        wi = (-20 * 4.5 / 10) * mV
        eqs = '''
        dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
        '''
        ns = dict(taum=taum, taue=taue, taui=taui, Vt=Vt, Vr=Vr, El=El, we=we, wi=wi, NE=NE)
        P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms,
                        method='exact', namespace=ns)
        P.v = 'Vr + rand() * (Vt - Vr)'
        P.ge = 0 * mV
        P.gi = 0 * mV
        Ce = Synapses(P, P, on_pre='ge += we', namespace=ns)
        Ci = Synapses(P, P, on_pre='gi += wi', namespace=ns)
        Ce.connect('i<NE', p=args.p)
        Ci.connect('i>=NE', p=args.p)
        s_mon = SpikeMonitor(P)
        build_s = time.time() - t_b

        duration = args.duration * ms
        timing = timed_run(Network(collect()), duration, args.target, build_dir, warmup=not args.no_warmup)

        t_res = time.time()
        n_syn = int(len(Ce)) + int(len(Ci))
        n_spk = int(s_mon.num_spikes)
        rate = n_spk / (N * float(duration / second))
        if args.record_spikes:
            ts = np.asarray(s_mon.t / ms)
            ii = np.asarray(s_mon.i)
            with open(args.record_spikes, 'w') as f:
                json.dump({'spikes': [[round(float(t), 6), int(i)] for t, i in zip(ts, ii)]}, f)

        out = {
            'peer': 'brian2',
            'benchmark': 'cuba',
            'brian2Version': brian2.__version__,
            'target': args.target,
            'neurons': N,
            'excitatory': NE,
            'inhibitory': N - NE,
            'connectionProbability': args.p,
            'durationMs': args.duration,
            'dtMs': 0.1,
            'seed': args.seed,
            'synapses': n_syn,
            'spikes': n_spk,
            'meanRateHz': rate,
            'importSeconds': import_s,
            'buildSeconds': build_s,
            **timing_fields(timing, args.target),
            **closing_fields(args, t_res, T0),
        }
    finally:
        if tmp_build is not None:
            shutil.rmtree(tmp_build, ignore_errors=True)

    emit(out, args.json)


if __name__ == '__main__':
    main()
