#!/usr/bin/python3
"""Brian2 peer of bench/dense-fanout.ts: a dense 784 -> 6400 projection driven by 784 Poisson
inputs at 20 Hz, dt 0.1 ms, targets with current-based exponential synapses that never fire.
Prints one JSON object: synaptic events, the loop time Brian2 records (cpp_standalone:
std::clock CPU time), and synaptic events per second.

    /usr/bin/python3 bench/peers/brian2_dense_fanout.py [--seconds 2] [--seed 1]
"""
import argparse
import json
import shutil
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument('--seconds', type=float, default=2.0)
parser.add_argument('--seed', type=int, default=1)
args = parser.parse_args()

from brian2 import (Hz, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, defaultclock, device,  # noqa: E402
                    ms, run, second, seed, set_device)

build_dir = tempfile.mkdtemp(prefix='brian2-fanout-')
set_device('cpp_standalone', directory=build_dir)
defaultclock.dt = 0.1 * ms
seed(args.seed)
inputs = PoissonGroup(784, 20 * Hz)
targets = NeuronGroup(6400, '''dv/dt = (-65 - v + I)/(20*ms) : 1
                               dI/dt = -I/(5*ms) : 1''', threshold='v > 1e9', method='exact')
targets.v = -65
syn = Synapses(inputs, targets, 'w : 1', on_pre='I += w')
syn.connect()
syn.w = 'rand() * 0.01'
monitor = SpikeMonitor(inputs)
run(args.seconds * second)
spikes = int(monitor.num_spikes)
loop = float(device._last_run_time)
events = spikes * 6400
print(json.dumps({'peer': 'brian2', 'target': 'cpp_standalone', 'inputSpikes': spikes, 'synapticEvents': events,
                  'simLoopSeconds': loop, 'simLoopClock': 'process CPU time (std::clock)',
                  'synapticEventsPerSecond': events / loop}))
shutil.rmtree(build_dir, ignore_errors=True)
