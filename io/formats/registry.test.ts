import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { registerBuiltinFormats } from './register-all.js';
import { detectFormats, formatForPath, formatNames, getFormat, registerFormat } from './registry.js';
import { encodeAedat2 } from './aedat2.js';
import { encodeAedat4 } from './aedat4.js';
import { encodeNpyEvents } from './npy-events.js';
import { sampleData } from './test-fixtures.js';

registerBuiltinFormats();

describe('format registry', () => {
  it('lists the built-in formats', () => {
    expect(formatNames()).toEqual(['aedat2', 'aedat4', 'csv', 'lava', 'nirdata', 'npy', 'nwb', 'spikesourcearray']);
  });

  it('unknown name: SnnError usage with a near-name suggestion and the known list', () => {
    let err: unknown;
    try {
      getFormat('aedat5');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnnError);
    expect(err).toMatchObject({ code: 'usage', message: "unknown export format 'aedat5'" });
    expect((err as SnnError).hint).toMatch(/^did you mean 'aedat[24]'\? known formats: aedat2, aedat4, csv/);
    expect(() => getFormat('nirdat')).toThrow(expect.objectContaining({ hint: expect.stringContaining("did you mean 'nirdata'") }));
  });

  it('names are case-insensitive', () => {
    expect(getFormat('NWB').name).toBe('nwb');
  });

  it('rejects a duplicate registration', () => {
    expect(() => registerFormat(getFormat('csv'))).toThrow(SnnError);
    expect(() => registerBuiltinFormats()).not.toThrow(); // idempotent
  });

  it('picks the format by the longest matching extension', () => {
    expect(formatForPath('x/run.aedat4')?.name).toBe('aedat4');
    expect(formatForPath('run.AEDAT')?.name).toBe('aedat2');
    expect(formatForPath('in.lava.npy')?.name).toBe('lava');
    expect(formatForPath('events.npy')?.name).toBe('npy');
    expect(formatForPath('spikes.nirdata.h5')?.name).toBe('nirdata');
    expect(formatForPath('notes.txt')).toBeUndefined();
  });

  it('detects formats by their first bytes', () => {
    const names = (b: Uint8Array) => detectFormats(b.subarray(0, 64)).map((f) => f.name).sort();
    expect(names(Buffer.concat(encodeAedat2(sampleData())))).toEqual(['aedat2']);
    expect(names(Buffer.concat(encodeAedat4(sampleData())))).toEqual(['aedat4']);
    expect(names(Buffer.concat(encodeNpyEvents(sampleData())))).toEqual(['lava', 'npy']);
    expect(names(Buffer.from('t_ms,population,neuron\n1,a,0\n'))).toEqual(['csv']);
    expect(names(Buffer.from('[{"population":"a","spike_times":[[1]]}]'))).toEqual(['spikesourcearray']);
    expect(names(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual(['nirdata', 'nwb']);
  });
});
