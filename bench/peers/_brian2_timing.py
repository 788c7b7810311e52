"""The timed run shared by the Brian2 peer scripts (run with /usr/bin/python3, Brian2 2.5.1).

`timed_run(net, duration, target, build_dir, warmup)` simulates an explicit brian2.Network for
`duration` and times it the same way for every code-generation target; the peer scripts document
what each figure means (brian2_cuba.py, "Timing"). The network is passed explicitly rather than
collected by the magic `run()`, which only sees the objects of its caller's frame.
"""
import json
import sys
import time


def timed_run(net, duration, target, build_dir, warmup=True):
    """Runs `net` for `duration`; returns a dict of the timing figures (seconds, None where n/a).

    cpp_standalone: net.run() only generates code; device.build() compiles and runs the binary,
    whose loop time (std::clock) Brian2 stores in device._last_run_time.
    Runtime targets (numpy, cython): an optional run of 0 ms first compiles every code object; a
    NetworkOperation at t = 0 (slot 'start', order -1000, once) marks the process CPU time at the
    first step, read again when run() returns.
    """
    from brian2 import NetworkOperation, device

    t = {'makeSeconds': None, 'runBinarySeconds': None, 'warmupSeconds': None, 'loopCpuSeconds': None}
    if target == 'cpp_standalone':
        t_r = time.time()
        net.run(duration)  # standalone: before_run() = code generation, nothing simulated yet
        t['runCallSeconds'] = time.time() - t_r
        t_r = time.time()
        device.build(directory=build_dir, compile=True, run=True, debug=False, with_output=False)
        build_call_s = time.time() - t_r
        t['makeSeconds'] = device.timers['compile']['make']
        t['runBinarySeconds'] = device.timers['run_binary']
        t['loopSeconds'] = float(device._last_run_time)
        t['codegenSeconds'] = t['runCallSeconds'] + build_call_s - t['runBinarySeconds']
        return t
    marks = {}

    def _mark_loop_start():
        marks.setdefault('cpu0', time.process_time())

    net.add(NetworkOperation(_mark_loop_start, dt=duration, when='start', order=-1000, name='loop_start_mark'))
    if warmup:
        # compile everything first (run of 0 ms: before_run() only, no time step)
        t_r = time.time()
        net.run(0 * duration)
        t['warmupSeconds'] = time.time() - t_r
    t_r = time.time()
    net.run(duration)
    t['loopCpuSeconds'] = time.process_time() - marks['cpu0']
    t['runCallSeconds'] = time.time() - t_r
    t['loopSeconds'] = float(device._last_run_time)
    t['codegenSeconds'] = t['runCallSeconds'] - t['loopSeconds'] + (t['warmupSeconds'] or 0.0)
    return t


def timing_fields(t, target):
    """The timing keys of a peer script's report, from timed_run's figures."""
    return {
        'runCallSeconds': t['runCallSeconds'],
        'codegenCompileSeconds': t['codegenSeconds'],
        'makeSeconds': t['makeSeconds'],
        'runBinarySeconds': t['runBinarySeconds'],
        'simLoopSeconds': t['loopSeconds'],
        'simLoopClock': 'process CPU time (std::clock)' if target == 'cpp_standalone' else 'wall',
        'warmupSeconds': t['warmupSeconds'],
        'simLoopCpuSeconds': t['loopSeconds'] if target == 'cpp_standalone' else t['loopCpuSeconds'],
    }


def emit(out, as_json):
    """Prints a report: one JSON object, or one aligned `key: value` line per field."""
    if as_json:
        print(json.dumps(out))
        return
    width = max(len(k) for k in out)
    for k, v in out.items():
        print(f'{k:>{width}}: {v}')


def select_target(target, build_dir, cython_cache, prefix):
    """Sets Brian2's code-generation target; returns (build_dir, a temporary dir to delete or None).

    cpp_standalone builds in `build_dir` (a new temporary directory when None, deleted by the
    caller); runtime targets keep their compiled code in `cython_cache` when given.
    """
    import os
    import tempfile
    from brian2 import prefs, set_device

    if target == 'cpp_standalone':
        tmp_build = tempfile.mkdtemp(prefix=prefix) if build_dir is None else None
        build_dir = build_dir or tmp_build
        set_device('cpp_standalone', directory=build_dir, build_on_run=False)
        return build_dir, tmp_build
    prefs.codegen.target = target
    if cython_cache:
        os.makedirs(cython_cache, exist_ok=True)
        prefs.codegen.runtime.cython.cache_dir = cython_cache
    return None, None


def closing_fields(args, t_results, t_script):
    """The last keys of a peer script's report: where its time went after the run, and where it ran."""
    return {
        'resultsSeconds': time.time() - t_results,
        'scriptSeconds': time.time() - t_script,
        'cacheDir': args.cython_cache if args.target != 'cpp_standalone' else None,
        'buildDir': args.build_dir if args.target == 'cpp_standalone' else None,
        'python': sys.executable,
    }
