#!/usr/bin/env python3
"""Cross-check of snn's NIR files with h5py, outside of snn (used by io/formats/nir-h5py.test.ts).

  nir-h5py-check.py read FILE...   read each file the way nir.read does (hdf2dict, then every node's
                                   fields and every edge's shapes, as NIRGraph's type check), print OK
  nir-h5py-check.py write FILE     write a small graph the way nir.write does (h5py string_dtype,
                                   float32 arrays, gzip, edges as a list of str tuples)

Mirrors nir/serialization.py without importing nir (not installable offline).
"""
import sys

import h5py
import numpy as np

FIELDS = {
    'Input': {'shape'}, 'Output': {'shape'}, 'Linear': {'weight'}, 'Affine': {'weight', 'bias'}, 'Delay': {'delay'},
    'LIF': {'tau', 'r', 'v_leak', 'v_threshold', 'v_reset'}, 'LI': {'tau', 'r', 'v_leak'},
    'CubaLIF': {'tau_mem', 'tau_syn', 'r', 'v_leak', 'v_threshold', 'v_reset', 'w_in'},
}


def s(x):
    return x.decode('utf8') if isinstance(x, bytes) else x


def hdf2dict(node):
    return {k: hdf2dict(v) if isinstance(v, h5py.Group) else s(v[()]) for k, v in node.items()}


def io_types(n):
    t = n['type']
    if t == 'Input':
        return None, tuple(n['shape'])
    if t == 'Output':
        return tuple(n['shape']), None
    if t in ('Linear', 'Affine'):
        return (n['weight'].shape[1],), (n['weight'].shape[0],)
    if t == 'Delay':
        return n['delay'].shape, n['delay'].shape
    if t in ('LIF', 'LI'):
        return n['r'].shape, n['r'].shape
    return n['v_threshold'].shape, n['v_threshold'].shape


def read(path):
    with h5py.File(path, 'r') as f:
        version = f['version'][()].decode('utf8')
        d = hdf2dict(f['node'])
    assert d['type'] == 'NIRGraph', d['type']
    edges = [(s(a), s(b)) for a, b in d['edges']]
    for k, n in d['nodes'].items():
        keys = set(n) - {'type', 'metadata'}
        assert keys == FIELDS[n['type']], (k, n['type'], sorted(keys))
        for p in keys:
            assert isinstance(n[p], np.ndarray) and n[p].ndim >= 1, (k, p, 'scalar or not an array')
        if n['type'] in ('LIF', 'CubaLIF', 'LI'):
            assert len({n[p].shape for p in keys}) == 1, (k, 'parameter shapes differ')
    for a, b in edges:
        out, inn = io_types(d['nodes'][a])[1], io_types(d['nodes'][b])[0]
        assert tuple(out) == tuple(inn), (a, b, out, inn)
    print(f"{path}: OK version {version}, {len(d['nodes'])} nodes, {len(edges)} edges, time_unit {d.get('metadata', {}).get('time_unit')}")


def write(path):
    f32 = np.float32
    w = (np.arange(12, dtype=f32).reshape(3, 4) / 4).astype(f32)
    graph = {
        'type': 'NIRGraph',
        'nodes': {
            'input': {'type': 'Input', 'shape': np.array([4])},
            'fc': {'type': 'Linear', 'weight': w},
            'lif': {'type': 'LIF', 'tau': np.full(3, 0.02, f32), 'r': np.full(3, 0.02, f32), 'v_leak': np.zeros(3, f32),
                    'v_threshold': np.ones(3, f32), 'v_reset': np.zeros(3, f32)},
            'output': {'type': 'Output', 'shape': np.array([3])},
        },
        'edges': [('input', 'fc'), ('fc', 'lif'), ('lif', 'output')],
        'metadata': {'source': 'h5py as nir.write'},
    }

    def rec(group, node):
        for k, v in node.items():
            if isinstance(v, str):
                group.create_dataset(k, data=v, dtype=h5py.string_dtype())
            elif isinstance(v, np.ndarray):
                group.create_dataset(k, data=v, dtype=v.dtype, compression='gzip')
            elif isinstance(v, dict):
                rec(group.create_group(str(k)), v)
            else:
                group.create_dataset(k, data=v)

    with h5py.File(path, 'w') as f:
        f.create_dataset('version', data='1.0.8', dtype=h5py.string_dtype())
        rec(f.create_group('node'), graph)


if __name__ == '__main__':
    if sys.argv[1] == 'read':
        for p in sys.argv[2:]:
            read(p)
    else:
        write(sys.argv[2])
