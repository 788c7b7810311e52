import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmaxCount, assignClasses, ClassResponses, Confusion, countCorrect, voteClass } from './readout.js';

describe('argmaxCount (SL readout)', () => {
  it('returns the index of the largest count', () => {
    expect(argmaxCount([0, 3, 1])).toBe(1);
    expect(argmaxCount([5, 3, 1])).toBe(0);
    expect(argmaxCount([1, 2, 3, 9])).toBe(3);
  });

  it('ties, including all-zero, go to the lowest index', () => {
    expect(argmaxCount([0, 0, 0])).toBe(0);
    expect(argmaxCount([1, 4, 2, 4])).toBe(1);
    expect(argmaxCount([2, 1, 2])).toBe(0);
  });

  it('agrees with the first index of the maximum (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 12 }), (xs) => {
        expect(argmaxCount(xs)).toBe(xs.indexOf(Math.max(...xs)));
      }),
    );
  });
});

describe('countCorrect (accuracy of a batch of logits)', () => {
  it('counts the rows whose arg max is the label; a tie goes to the lowest class; a row never reads the next', () => {
    // row 0: max at 2 (label 2, right); row 1: tie between 1 and 3 → 1 (label 3, wrong);
    // row 2: max at 3 (label 3, right), and the next row starts with a larger value that it must not see
    const scores = [0, 1, 5, 2, /* */ 0, 4, 0, 4, /* */ 1, 2, 3, 9, /* */ 100, 0, 0, 0];
    expect(countCorrect(scores, [2, 3, 3], 4)).toBe(2);
    expect(countCorrect(scores, [2, 1, 3], 4)).toBe(3);
    expect(countCorrect(scores, [2, 1, 3, 0], 4)).toBe(4);
    expect(countCorrect(scores, [], 4)).toBe(0);
  });

  it('equals the number of rows where argmaxCount of the row is the label (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }), { maxLength: 20 }), fc.array(fc.nat(11), { minLength: 20, maxLength: 20 }), (classes, rows, labels) => {
        const trimmed = rows.map((r) => r.slice(0, classes));
        const ls = labels.slice(0, rows.length).map((l) => l % classes);
        const expected = trimmed.filter((r, b) => argmaxCount(r) === ls[b]).length;
        expect(countCorrect(trimmed.flat(), ls, classes)).toBe(expected);
      }),
    );
  });
});

describe('ClassResponses', () => {
  it('accumulates spikes per (neuron, class) and presentations per class', () => {
    const r = new ClassResponses(3, 4);
    r.add(2, [1, 0, 5]);
    r.add(2, [2, 0, 0]);
    r.add(0, [0, 7, 1]);
    expect(Array.from(r.sums)).toEqual([
      // neuron 0: classes 0..3
      0, 0, 3, 0,
      // neuron 1
      7, 0, 0, 0,
      // neuron 2
      1, 0, 5, 0,
    ]);
    expect(Array.from(r.presentations)).toEqual([1, 0, 2, 0]);
    expect(r.total).toBe(3);
  });

  it('a presentation without any spike still counts', () => {
    const r = new ClassResponses(2, 2);
    r.add(1, [0, 0]);
    expect(Array.from(r.presentations)).toEqual([0, 1]);
    expect(Array.from(r.sums)).toEqual([0, 0, 0, 0]);
    expect(r.total).toBe(1);
  });

  it('clear() empties sums and presentations', () => {
    const r = new ClassResponses(2, 3);
    r.add(1, [4, 2]);
    r.add(0, [1, 1]);
    r.clear();
    expect(Array.from(r.sums)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(r.presentations)).toEqual([0, 0, 0]);
    expect(r.total).toBe(0);
  });

  it('defaults to 10 classes', () => {
    const r = new ClassResponses(2);
    expect(r.classes).toBe(10);
    expect(r.sums).toHaveLength(20);
    expect(r.presentations).toHaveLength(10);
  });
});

describe('assignClasses (USL assignment)', () => {
  it('assigns by the mean response per presentation, not by the total', () => {
    // Neuron 0: 10 spikes over 10 class-0 presentations (mean 1) vs 3 over 2 class-1 ones (mean 1.5).
    const r = new ClassResponses(1, 2);
    for (let k = 0; k < 10; k++) r.add(0, [1]);
    r.add(1, [2]);
    r.add(1, [1]);
    expect(Array.from(assignClasses([r]))).toEqual([1]);
  });

  it('a neuron that never fired is unassigned (−1)', () => {
    const r = new ClassResponses(3, 3);
    r.add(0, [2, 0, 0]);
    r.add(1, [0, 0, 1]);
    r.add(2, [0, 0, 3]);
    expect(Array.from(assignClasses([r]))).toEqual([0, -1, 2]);
  });

  it('equal mean responses go to the lowest class', () => {
    const r = new ClassResponses(2, 3);
    r.add(0, [0, 1]);
    r.add(1, [2, 3]);
    r.add(2, [2, 3]);
    // neuron 0: means (0, 2, 2) → 1; neuron 1: means (1, 3, 3) → 1
    expect(Array.from(assignClasses([r]))).toEqual([1, 1]);
    const s = new ClassResponses(1, 3);
    s.add(0, [4]);
    s.add(1, [0]);
    s.add(1, [8]);
    s.add(2, [4]);
    expect(Array.from(assignClasses([s]))).toEqual([0]);
  });

  it('classes never presented are never assigned', () => {
    const r = new ClassResponses(1, 3);
    r.add(2, [1]);
    expect(Array.from(assignClasses([r]))).toEqual([2]);
  });

  it('several banks are pooled (sums and presentations), not taken one at a time', () => {
    // Bank a alone: class 0 mean 3. Bank b alone: class 0 mean 0, class 1 mean 2.
    // Pooled: class 0 mean 3/4 = 0.75 < class 1 mean 2 → class 1; bank a alone would say 0.
    const a = new ClassResponses(1, 2);
    a.add(0, [3]);
    const b = new ClassResponses(1, 2);
    for (let k = 0; k < 3; k++) b.add(0, [0]);
    b.add(1, [2]);
    expect(Array.from(assignClasses([a]))).toEqual([0]);
    expect(Array.from(assignClasses([a, b]))).toEqual([1]);
    expect(Array.from(assignClasses([b, a]))).toEqual([1]);
    // Pooling presentations matters on its own: a has class 1's spikes, b only its presentations.
    const c = new ClassResponses(1, 2);
    c.add(0, [2]);
    c.add(1, [3]);
    const d = new ClassResponses(1, 2);
    for (let k = 0; k < 5; k++) d.add(1, [0]);
    // pooled: class 0 mean 2, class 1 mean 3/6 = 0.5 → 0; c alone → 1
    expect(Array.from(assignClasses([c]))).toEqual([1]);
    expect(Array.from(assignClasses([c, d]))).toEqual([0]);
  });

  it('writes into `out` when given, overwriting every entry', () => {
    const r = new ClassResponses(3, 2);
    r.add(1, [1, 0, 2]);
    const out = Int8Array.from([7, 7, 7]);
    const got = assignClasses([r], out);
    expect(got).toBe(out);
    expect(Array.from(out)).toEqual([1, -1, 1]);
    // a longer buffer: only the first `neurons` entries are the assignment
    const longer = Int8Array.from([7, 7, 7, 7]);
    assignClasses([r], longer);
    expect(Array.from(longer)).toEqual([1, -1, 1, 7]);
  });

  it('matches a brute-force reference on random responses (property)', () => {
    const classes = 4;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(classes - 1), fc.array(fc.nat(3), { minLength: 5, maxLength: 5 })), { maxLength: 25 }),
        (samples) => {
          const r = new ClassResponses(5, classes);
          for (const [label, counts] of samples) r.add(label, counts);
          const got = assignClasses([r]);
          for (let i = 0; i < 5; i++) {
            const means: number[] = [];
            for (let c = 0; c < classes; c++) {
              const of = samples.filter(([l]) => l === c);
              means.push(of.length === 0 ? 0 : of.reduce((s, [, x]) => s + x[i]!, 0) / of.length);
            }
            const best = Math.max(...means);
            expect(got[i]).toBe(best === 0 ? -1 : means.indexOf(best));
          }
        },
      ),
    );
  });
});

describe('voteClass (USL vote)', () => {
  it('picks the class with the highest mean count over its assigned neurons, not the highest total', () => {
    // class 0: three neurons with 1 spike each (total 3, mean 1); class 1: one neuron with 2 (mean 2).
    const a = Int8Array.from([0, 0, 0, 1]);
    expect(voteClass(a, [1, 1, 1, 2], 2)).toBe(1);
  });

  it('ignores unassigned neurons, however much they fire', () => {
    const a = Int8Array.from([-1, 0, 1]);
    expect(voteClass(a, [100, 1, 2], 2)).toBe(1);
    expect(voteClass(a, [100, 3, 2], 2)).toBe(0);
  });

  it('returns −1 when no neuron is assigned', () => {
    expect(voteClass(Int8Array.from([-1, -1]), [5, 5], 3)).toBe(-1);
    expect(voteClass(new Int8Array(0), [], 3)).toBe(-1);
  });

  it('silence: the lowest class that has assigned neurons wins (mean 0 beats no neurons)', () => {
    expect(voteClass(Int8Array.from([2, 1, 2]), [0, 0, 0], 3)).toBe(1);
  });

  it('ties go to the lowest class', () => {
    expect(voteClass(Int8Array.from([2, 1, 0, 0]), [3, 3, 2, 4], 3)).toBe(0);
    expect(voteClass(Int8Array.from([2, 1]), [3, 3], 3)).toBe(1);
  });

  it('defaults to 10 classes', () => {
    expect(voteClass(Int8Array.from([9, 3]), [5, 1])).toBe(9);
  });

  it('matches a brute-force reference (property)', () => {
    const classes = 4;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -1, max: classes - 1 }), fc.nat(6)), { maxLength: 12 }),
        (cells) => {
          const a = Int8Array.from(cells.map(([c]) => c));
          const counts = cells.map(([, x]) => x);
          let best = -1;
          let bestRate = -1;
          for (let c = 0; c < classes; c++) {
            const mine = cells.filter(([k]) => k === c);
            if (mine.length === 0) continue;
            const rate = mine.reduce((s, [, x]) => s + x, 0) / mine.length;
            if (rate > bestRate) [best, bestRate] = [c, rate];
          }
          expect(voteClass(a, counts, classes)).toBe(best);
        },
      ),
    );
  });
});

describe('Confusion', () => {
  it('counts −1 predictions as wrong, in the overall and in the per-class accuracy', () => {
    const m = new Confusion(3);
    m.add(0, 0);
    m.add(0, -1);
    m.add(1, 1);
    m.add(1, 1);
    m.add(2, -1);
    expect(m.total).toBe(5);
    expect(m.correct).toBe(3);
    expect(m.accuracy).toBeCloseTo(3 / 5, 15);
    // class 0: one right out of two presented; class 2: none of one.
    expect(m.perClass()).toEqual([0.5, 1, 0]);
    expect(Array.from(m.presentations)).toEqual([2, 2, 1]);
    // −1 predictions have no column in the matrix.
    expect(m.rows()).toEqual([
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 0],
    ]);
  });

  it('rows are true classes and columns predictions', () => {
    const m = new Confusion(2);
    m.add(0, 1);
    m.add(0, 1);
    m.add(1, 0);
    expect(m.rows()).toEqual([
      [0, 2],
      [1, 0],
    ]);
    expect(m.perClass()).toEqual([0, 0]);
    expect(m.accuracy).toBe(0);
  });

  it('an empty matrix has accuracy 0 and per-class 0 (never NaN)', () => {
    const m = new Confusion(4);
    expect(m.accuracy).toBe(0);
    expect(m.perClass()).toEqual([0, 0, 0, 0]);
    m.add(1, 1);
    expect(m.perClass()).toEqual([0, 1, 0, 0]);
    expect(m.accuracy).toBe(1);
  });

  it('defaults to 10 classes', () => {
    const m = new Confusion();
    expect(m.classes).toBe(10);
    expect(m.perClass()).toHaveLength(10);
    expect(m.rows()).toHaveLength(10);
  });

  it('per-class and overall accuracy are consistent: accuracy = Σ perClass[c]·n_c / N (property)', () => {
    const classes = 5;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(classes - 1), fc.integer({ min: -1, max: classes - 1 })), { minLength: 1, maxLength: 60 }),
        (pairs) => {
          const m = new Confusion(classes);
          for (const [label, predicted] of pairs) m.add(label, predicted);
          const per = m.perClass();
          let weighted = 0;
          for (let c = 0; c < classes; c++) {
            const mine = pairs.filter(([l]) => l === c);
            const right = mine.filter(([l, p]) => l === p).length;
            expect(per[c]).toBe(mine.length === 0 ? 0 : right / mine.length);
            weighted += per[c]! * mine.length;
          }
          expect(m.correct).toBe(pairs.filter(([l, p]) => l === p).length);
          expect(m.total).toBe(pairs.length);
          expect(weighted / pairs.length).toBeCloseTo(m.accuracy, 12);
          // every classified sample is in exactly one cell; the −1 ones in none
          const cells = m.rows().flat().reduce((s, x) => s + x, 0);
          expect(cells).toBe(pairs.filter(([, p]) => p >= 0).length);
        },
      ),
    );
  });
});
