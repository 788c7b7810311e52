/**
 * HDF5 through h5wasm, shared by NWB, NIRData and (later) NIR model graphs.
 *
 * h5wasm's Node build uses Emscripten's NODERAWFS, so paths are host paths. Its API is loosely typed
 * (`get` returns any entity, datasets may hold strings or typed arrays); these helpers pin the types,
 * turn "missing" and "wrong kind" into `SnnError`s that name the HDF5 path, and make every write
 * atomic (build the file at a temp path, then rename).
 */
import h5wasm, { Dataset, Group, Reference, type File } from 'h5wasm/node';
import { SnnError } from '../../engine/errors.js';
import { readFirstBytes, writeViaTemp } from './file-io.js';

export type { File as H5File, Group as H5Group, Dataset as H5Dataset };

/** The 8-byte HDF5 superblock signature (at offset 0 for every file we write). */
export const HDF5_SIGNATURE = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

type H5Module = Awaited<typeof h5wasm.ready>;
let ready: Promise<H5Module> | null = null;

/** Loads the WebAssembly module once. */
export async function h5Ready(): Promise<H5Module> {
  ready ??= h5wasm.ready;
  return ready;
}

export function isHdf5(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= 8 && HDF5_SIGNATURE.every((b, i) => firstBytes[i] === b);
}

/** Creates `path` atomically; `build` fills the open file. Insertion order is kept (track_order). */
export async function createHdf5(path: string, build: (f: File) => void): Promise<void> {
  await h5Ready();
  await writeViaTemp(path, (tmp) => {
    const f = new h5wasm.File(tmp, 'w', { track_order: true });
    try {
      build(f);
    } finally {
      f.close();
    }
  });
}

/**
 * Opens `path` read-only and runs `read`. Files without the HDF5 signature are rejected before the
 * C library sees them; any non-SnnError failure inside (a damaged file) becomes `io.corrupt`.
 */
export async function readHdf5<T>(path: string, what: string, read: (f: File) => T): Promise<T> {
  const first = await readFirstBytes(path, 8);
  if (!isHdf5(first)) throw new SnnError('io.format', `${path} is not an HDF5 file`, `expected ${what}; check --format or the file`);
  const mod = await h5Ready();
  let f: File | undefined;
  // HDF5's default handler prints a diagnostic stack to stderr for every error in a damaged file;
  // the throwing handler turns it into one exception that we report as one SnnError line.
  mod.activate_throwing_error_handler();
  try {
    f = new h5wasm.File(path, 'r');
    return read(f);
  } catch (err) {
    if (err instanceof SnnError) throw err;
    throw new SnnError('io.corrupt', `cannot read ${what} from ${path}: ${(err as Error)?.message ?? String(err)}`, 'the file is damaged or not of this format');
  } finally {
    try {
      f?.close();
    } catch {
      // Closing a file whose open failed half-way: nothing left to release.
    }
    mod.deactivate_throwing_error_handler();
  }
}

// ---- writing ----

export function writeString(g: Group, name: string, value: string): Dataset {
  return g.create_dataset({ name, data: value });
}

/** 1-D dataset of variable-length UTF-8 strings (h5py/pynwb read these as str). */
export function writeStrings(g: Group, name: string, values: string[]): Dataset {
  return g.create_dataset({ name, data: values, shape: [values.length] });
}

type NumericArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Numeric dataset; `dtype` like '<d', '<f', '<i', '<q' (h5wasm's struct-style codes). */
export function writeArray(g: Group, name: string, data: NumericArray, dtype?: string, shape?: number[]): Dataset {
  return g.create_dataset({ name, data, dtype: dtype ?? null, shape: shape ?? [data.length] });
}

/** Int64 dataset from safe integers (h5wasm needs BigInt64Array input for '<q'). */
export function writeInt64(g: Group, name: string, values: ArrayLike<number>, shape?: number[]): Dataset {
  const big = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) big[i] = BigInt(values[i]!);
  return writeArray(g, name, big, '<q', shape);
}

type HasAttrs = Group | Dataset;

export function setStringAttr(obj: HasAttrs, name: string, value: string): void {
  obj.create_attribute(name, value);
}

export function setStringsAttr(obj: HasAttrs, name: string, values: string[]): void {
  obj.create_attribute(name, values, [values.length]);
}

/** Scalar numeric attribute: 'float64' or 'int64' (NumPy reads these as Python float / int). */
export function setNumberAttr(obj: HasAttrs, name: string, value: number, kind: 'float64' | 'int64' = 'float64'): void {
  if (kind === 'int64') obj.create_attribute(name, new BigInt64Array([BigInt(value)]), [], '<q');
  else obj.create_attribute(name, new Float64Array([value]), [], '<d');
}

/** Object-reference attribute (H5T_STD_REF_OBJ, what h5py writes) pointing at `target`. */
export function setReferenceAttr(obj: HasAttrs, name: string, target: HasAttrs): void {
  obj.create_attribute(name, target.create_reference());
}

// ---- reading ----

const missing = (path: string, what: string) => new SnnError('io.format', `HDF5 object '${path}' is missing or not a ${what}`, 'the file does not follow the expected layout');

export function getGroup(root: Group, path: string): Group {
  const g = root.get(path);
  if (!(g instanceof Group)) throw missing(path, 'group');
  return g;
}

export function getDataset(root: Group, path: string): Dataset {
  const d = root.get(path);
  if (!(d instanceof Dataset)) throw missing(path, 'dataset');
  return d;
}

export function hasObject(root: Group, path: string): boolean {
  return root.get(path) !== null;
}

/** Any numeric dataset as Float64Array (int64 values above 2^53 lose precision; ours never get there). */
export function readNumbers(root: Group, path: string): Float64Array {
  const v = getDataset(root, path).value;
  if (typeof v === 'number' || typeof v === 'bigint') return Float64Array.of(Number(v));
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const out = new Float64Array((v as NumericArray).length);
    const src = v as NumericArray;
    for (let i = 0; i < out.length; i++) out[i] = Number(src[i]!);
    return out;
  }
  throw missing(path, 'numeric dataset');
}

export function readString(root: Group, path: string): string {
  const v = getDataset(root, path).value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  throw missing(path, 'string dataset');
}

export function readStrings(root: Group, path: string): string[] {
  const v = getDataset(root, path).value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw missing(path, 'string array dataset');
}

/** Attribute value, or undefined when absent. Scalars come back unwrapped. */
export function getAttr(obj: HasAttrs, name: string): unknown {
  const a = obj.attrs[name];
  if (!a) return undefined;
  const v = a.value;
  if (ArrayBuffer.isView(v) && (a.shape?.length ?? 0) === 0) return Number((v as NumericArray)[0]);
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export function getStringAttr(obj: HasAttrs, name: string): string | undefined {
  const v = getAttr(obj, name);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function getNumberAttr(obj: HasAttrs, name: string): number | undefined {
  const v = getAttr(obj, name);
  if (typeof v === 'number') return v;
  if (ArrayBuffer.isView(v) && (v as NumericArray).length === 1) return Number((v as NumericArray)[0]);
  return undefined;
}

/** Path of the object an object-reference attribute points at, or undefined. */
export function getReferenceTarget(file: File, obj: HasAttrs, name: string): string | undefined {
  const a = obj.attrs[name];
  if (!a) return undefined;
  const v = a.value;
  const ref = Array.isArray(v) ? v[0] : v;
  if (!(ref instanceof Reference)) return undefined;
  const target = file.dereference(ref);
  return target instanceof Group || target instanceof Dataset ? target.path : undefined;
}
