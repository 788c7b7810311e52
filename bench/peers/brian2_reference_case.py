#!/usr/bin/python3
"""Regenerates a Brian2 reference case's expected spike list (run with /usr/bin/python3, Brian2 2.5.1).

    /usr/bin/python3 bench/peers/brian2_reference_case.py test/reference/lif-delta.case.json [OUT.json]

The case file (format in test/reference/README.md) describes one LIF layer driven by given input
spikes. This script builds exactly that layer in Brian2 (numpy target, float64), runs it and writes
{"spikes": [[t_ms, i], ...], "n_spikes": n, "counts": [...]} next to the case as *.expected.json
(or to OUT.json). snn's clock-driven mode must reproduce the list exactly (test/reference-cases.test.ts).
"""
import json

import numpy as np
import sys

from brian2 import (NeuronGroup, Network, SpikeGeneratorGroup, SpikeMonitor, Synapses, defaultclock,
                    ms, mV, prefs, start_scope)


def run_case(case):
    p = case["params"]
    start_scope()
    prefs.codegen.target = "numpy"
    prefs.core.default_float_dtype = np.float64
    dt = p["dt"] * ms
    defaultclock.dt = dt
    exp_syn = p["synapse"] == "exp"
    adaptive = p["theta_plus"] != 0
    decays = p.get("tau_theta") is not None
    namespace = {
        "tau_m": p["tau_m"] * ms, "v_rest": p["v_rest"] * mV, "v_reset": p["v_reset"] * mV,
        "v_thresh": p["v_thresh"] * mV, "tau_syn": p["tau_syn"] * ms, "theta_plus": p["theta_plus"] * mV,
        "tau_theta": (p["tau_theta"] if decays else 1.0) * ms,
    }
    eqs = ("dv/dt = (v_rest - v + I) / tau_m : volt (unless refractory)\n"
           "dI/dt = -I / tau_syn : volt\n") if exp_syn else "dv/dt = (v_rest - v) / tau_m : volt (unless refractory)\n"
    eqs += ("dtheta/dt = -theta / tau_theta : volt\n" if decays else "theta : volt\n")
    reset = "v = v_reset\ntheta += theta_plus" if adaptive else "v = v_reset"
    out = NeuronGroup(case["n_out"], eqs, threshold="v > v_thresh + theta", reset=reset,
                      refractory=p["refractory"] * ms, method=p["method"], namespace=namespace)
    out.v = p.get("v_init", p["v_rest"]) * mV
    spikes = case["input_spikes"]
    inp = SpikeGeneratorGroup(case["n_in"], [i for _, i in spikes], [t for t, _ in spikes] * ms)
    # Delta input to a refractory neuron is lost (Brian2's `unless refractory` clamps v, and on_pre
    # writes v only through the non-refractory guard below).
    on_pre = "I += w" if exp_syn else "v += w * int(not_refractory_post)"
    syn = Synapses(inp, out, "w : volt", on_pre=on_pre, namespace=namespace)
    syn.connect()
    w = case["weights"]
    syn.w[:] = [w[i][j] for i in range(case["n_in"]) for j in range(case["n_out"])] * mV
    mon = SpikeMonitor(out)
    net = Network(out, inp, syn, mon)
    net.run(p["duration"] * ms)
    pairs = sorted(zip([round(float(t / ms), 6) for t in mon.t], [int(i) for i in mon.i]))
    counts = [0] * case["n_out"]
    for _, i in pairs:
        counts[i] += 1
    return {"spikes": [[t, i] for t, i in pairs], "n_spikes": len(pairs), "counts": counts}


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: brian2_reference_case.py CASE.case.json [OUT.json]")
    case_path = sys.argv[1]
    with open(case_path) as f:
        case = json.load(f)
    result = run_case(case)
    out_path = sys.argv[2] if len(sys.argv) > 2 else case_path.replace(".case.json", ".expected.json")
    with open(out_path, "w") as f:
        json.dump(result, f)
    print(f"{out_path}: {result['n_spikes']} spikes")


if __name__ == "__main__":
    main()
