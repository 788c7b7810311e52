/**
 * NIR files with datasets only h5py writes (needs h5py for /usr/bin/python3: skipped with a note
 * without it, a failure with CI=true). h5wasm cannot write them, and reads them in shapes of their
 * own: a scalar dataset of an HDF5 array type (numpy dtype `('<f8', (k,))`) comes back as a JS array
 * of k numbers, of booleans for h5py's boolean enum, with the dataset's shape `[]` and a dtype that
 * is not a string; a string dataset of two elements comes back as an array of two strings.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { H5PY, needAll } from '../../test/helpers/requirement.js';
import { h5Ready } from './hdf5.js';
import { readNirGraph } from './nir-graph.js';
import { tempDir } from './test-fixtures.js';

const pyEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await h5Ready();
});
let count = 0;

/** A NIR graph written by h5py: `body` is Python run with `nodes` (the `node/nodes` group), `node`, `np`. */
function h5py(body: string): string {
  const path = join(tmp.dir, `${count++}.nir`);
  const script = [
    'import sys, h5py, numpy as np',
    "f = h5py.File(sys.argv[1], 'w')",
    "node = f.create_group('node'); node['type'] = 'NIRGraph'",
    "nodes = node.create_group('nodes')",
    'def arr(g, name, values, dtype):',
    '    d = g.create_dataset(name, shape=(), dtype=np.dtype((dtype, (len(values),))))',
    '    d[()] = np.array(values, dtype=dtype)',
    ...body.split('\n'),
    'f.close()',
  ].join('\n');
  execFileSync('/usr/bin/python3', ['-c', script, path], { env: pyEnv });
  return path;
}

async function refusal(path: string): Promise<[string, string, string | undefined]> {
  const e = await readNirGraph(path).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(SnnError);
  return [(e as SnnError).code, (e as SnnError).message, (e as SnnError).hint];
}
const DAMAGED = 'the file is damaged or not a NIR graph (nir.write)';

describe('NIR datasets written by h5py', () => {
  needAll(H5PY);

  it('a one-element array-typed parameter or metadata value reads as its number; booleans as 0 and 1', async () => {
    const path = h5py(
      [
        "a = nodes.create_group('a'); a['type'] = 'Input'; a['shape'] = np.array([1])",
        "arr(a, 'gain', [2.5], '<f8')",
        "arr(a, 'on', [True], np.bool_)",
        "m = a.create_group('metadata')",
        "arr(m, 'scale', [-0.75], '<f8')",
        "arr(m, 'flag', [False], np.bool_)",
        "arr(node.create_group('metadata'), 'top', [True], np.bool_)",
        // no rows of an array type: h5wasm returns an empty JS array
        "a.create_dataset('none', shape=(0,), dtype=np.dtype(('<f8', (1,))))",
      ].join('\n'),
    );
    const { graph } = await readNirGraph(path);
    const a = graph.nodes['a']!;
    // the tensor takes the dataset's shape (a scalar) and no dtype: an array type has none as a string
    expect(a.params['gain']).toEqual({ data: Float64Array.of(2.5), shape: [], dtype: undefined });
    expect(a.params['on']).toEqual({ data: Float64Array.of(1), shape: [], dtype: undefined });
    expect(a.params['none']).toEqual({ data: new Float64Array(0), shape: [0], dtype: undefined });
    expect(a.metadata).toEqual({ scale: -0.75, flag: 0 });
    expect(graph.metadata).toEqual({ top: 1 });
  });

  it('refuses an array type of several numbers or booleans in a scalar dataset', async () => {
    const three = h5py(["a = nodes.create_group('a'); a['type'] = 'Input'; a['shape'] = np.array([1])", "arr(a, 'w', [1.0, 2.0, 3.0], '<f8')"].join('\n'));
    expect(await refusal(three)).toEqual(['io.corrupt', 'NIR node/nodes/a/w: has 3 values for shape ()', DAMAGED]);
    const bools = h5py(["a = nodes.create_group('a'); a['type'] = 'Input'; a['shape'] = np.array([1])", "arr(a, 'w', [True, False], np.bool_)"].join('\n'));
    expect(await refusal(bools)).toEqual(['io.corrupt', 'NIR node/nodes/a/w: has 2 values for shape ()', DAMAGED]);
  });

  it('refuses a type or a metadata value that is two strings, and a type that is one number', async () => {
    const type2 = h5py(["a = nodes.create_group('a'); a['type'] = np.array(['Input', 'Output'], dtype=object); a['shape'] = np.array([1])"].join('\n'));
    expect(await refusal(type2)).toEqual(['io.corrupt', 'NIR node/nodes/a/type: is not a string dataset', DAMAGED]);
    // a one-element array that holds a number, not a string
    const typeNum = h5py(["a = nodes.create_group('a'); arr(a, 'type', [1.0], '<f8'); a['shape'] = np.array([1])"].join('\n'));
    expect(await refusal(typeNum)).toEqual(['io.corrupt', 'NIR node/nodes/a/type: is not a string dataset', DAMAGED]);
    const meta2 = h5py(
      ["a = nodes.create_group('a'); a['type'] = 'Input'; a['shape'] = np.array([1])", "a.create_group('metadata')['pair'] = np.array(['x', 'y'], dtype=object)"].join('\n'),
    );
    expect(await refusal(meta2)).toEqual(['io.corrupt', 'NIR node/nodes/a/metadata/pair: is not a numeric dataset', DAMAGED]);
    // one string, in either layout, reads as that string
    const one = h5py(["a = nodes.create_group('a'); a['type'] = np.array(['Input'], dtype=object); a['shape'] = np.array([1])", "a.create_group('metadata')['s'] = np.array(['x'], dtype=object)"].join('\n'));
    expect((await readNirGraph(one)).graph.nodes['a']).toMatchObject({ type: 'Input', metadata: { s: 'x' } });
  });
});
