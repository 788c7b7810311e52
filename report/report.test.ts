/**
 * The reports of a small training run (through `snn train`, which writes RUN_DIR/report/), of a
 * trace with a state recording and of a compare directory, each opened in headless Chromium:
 * every figure has drawn marks, the page logs no error and requests nothing but its own file and
 * data: URIs; a screenshot is kept in the test's temp directory. Every PNG is a valid image of
 * the size figures.json states (twice the SVG's).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { CHROMIUM, needAll } from '../test/helpers/requirement.js';
import { TraceWriter } from '../io/trace-writer.js';
import { readCompare } from './compare.js';
import { pngSize } from './render.js';
import { writeReport, type RenderedFigure } from './report.js';

let browser: Browser;
const root = mkdtempSync(join(tmpdir(), 'snn-report-'));

beforeAll(async () => {
  // Without Chromium the tests below skip (fail with CI set) with what to install; see needAll.
  if (CHROMIUM.available()) browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

interface PageCheck {
  figures: { id: string; marks: number; images: number; imageWidth: number }[];
  errors: string[];
  requests: string[];
}

/** Opens the report offline and counts what each figure drew. */
async function openReport(html: string, screenshot: string): Promise<PageCheck> {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  const figures = await page.$$eval('section.figure', (sections) =>
    sections.map((s) => {
      const img = s.querySelector('.plot img') as HTMLImageElement | null;
      return {
        id: s.id,
        // Vega puts data marks in groups of class role-mark (axes, legends and titles have other roles).
        marks: s.querySelectorAll('.plot svg g.role-mark > path, .plot svg g.role-mark > line, .plot svg g.role-mark > text').length,
        images: img && img.complete ? 1 : 0,
        imageWidth: img ? img.naturalWidth : 0,
      };
    }),
  );
  await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { figures, errors, requests };
}

function checkPage(r: PageCheck, expected: string[]): void {
  expect(r.errors).toEqual([]);
  expect(r.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  expect(r.figures.map((f) => f.id)).toEqual(expected);
  for (const f of r.figures) {
    const drawn = f.marks > 0 || (f.images > 0 && f.imageWidth > 0);
    expect(drawn, `figure ${f.id} drew nothing`).toBe(true);
  }
}

function checkPngs(dir: string): RenderedFigure[] {
  const index = JSON.parse(readFileSync(join(dir, 'figures.json'), 'utf8')) as { figures: RenderedFigure[] };
  for (const f of index.figures) {
    const png = readFileSync(join(dir, f.png));
    expect(pngSize(png)).toEqual({ width: f.pngWidth, height: f.pngHeight });
    expect(f.pngWidth).toBeGreaterThan(0);
  }
  return index.figures;
}

describe('snn report, opened in headless Chromium', () => {
  needAll(CHROMIUM);
  it('a tiny hao2020 run: snn train writes the report; every figure draws', async () => {
    const run = join(root, 'run');
    const code = await main(['train', '--model', 'hao2020', '--neurons', '20', '--train-samples', '50', '--test-samples', '40', '--eval-every', '25', '--seed', '4', '--eval-workers', '1', '--no-progress', '--json', '--out', run]);
    expect(code).toBe(0);
    const dir = join(run, 'report');
    const figures = checkPngs(dir);
    const names = ['learning-curve', 'receptive-fields', 'theta', 'weights', 'confusion', 'confusion-usl', 'rate-histogram', 'tsne'];
    expect(figures.map((f) => f.name)).toEqual(names);
    const page = await openReport(join(dir, 'report.html'), join(root, 'run-report.png'));
    checkPage(page, names);
    expect(existsSync(join(root, 'run-report.png'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/t-SNE silhouette/);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/);
  }, 240_000);

  it('a tiny lif-mlp run: snn train writes its report (learning curve, weights, metrics); every figure draws', async () => {
    const run = join(root, 'lif-mlp');
    const code = await main(['train', '--model', 'lif-mlp', '--neurons', '8', '--train-samples', '64', '--test-samples', '40', '--eval-every', '32', '--seed', '2', '--set', 'steps=8', '--set', 'batch=8', '--no-progress', '--json', '--out', run]);
    expect(code).toBe(0);
    const dir = join(run, 'report');
    const figures = checkPngs(dir);
    expect(figures.map((f) => f.name)).toEqual(['learning-curve', 'weights']);
    checkPage(await openReport(join(dir, 'report.html'), join(root, 'lif-mlp-report.png')), ['learning-curve', 'weights']);
    const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trained: number; accuracy: number });
    expect(metrics.map((m) => m.trained)).toEqual([32, 64]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    // The facts are the run's: its last evaluation, and the model scored again on the same 40 test images.
    const last = `${(100 * metrics[1]!.accuracy).toFixed(2)} %`;
    expect(html).toContain(`40 test images: accuracy ${last}`);
    expect(html).toMatch(new RegExp(`<td>test accuracy</td><td>40 test images: ${last.replace('.', '\\.')}`));
    expect(html).toMatch(/<td>rule<\/td><td>surrogate-bptt/);
    expect(html).toMatch(/input-&gt;hidden: 6,272 weights.*hidden-&gt;output: 80 weights/s);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/);
  }, 240_000);

  it('a trace: raster, histograms and a state trace', async () => {
    const trace = join(root, 'net.snntrace');
    const w = TraceWriter.open(trace, { dt: 0.1, mode: 'clock', populations: [{ name: 'exc', size: 40 }, { name: 'inh', size: 10 }], seed: 1, descriptionHash: '0'.repeat(64), snnVersion: '0' });
    for (let k = 0; k < 2000; k++) {
      const t = k * 0.1;
      w.writeSpikes(0, [t], [(k * 7) % 40]);
      if (k % 3 === 0) w.writeSpikes(1, [t], [k % 10]);
    }
    const times = Float64Array.from({ length: 200 }, (_, k) => k);
    const values = Float64Array.from({ length: 600 }, (_, k) => -65 + (k % 17));
    w.writeState(0, 'v', Int32Array.from([0, 1, 2]), times, values);
    w.close({ tStop: 200 });
    const dir = join(root, 'trace-report');
    const r = await writeReport(trace, dir);
    expect(r.figures.map((f) => f.name)).toEqual(['raster', 'rate-histogram', 'isi-cv-histogram', 'state-v-exc']);
    checkPngs(dir);
    checkPage(await openReport(r.html, join(root, 'trace-report.png')), ['raster', 'rate-histogram', 'isi-cv-histogram', 'state-v-exc']);
    // Large figures go in as data-URI PNGs (forced here for all): they load and have their size.
    const asImages = await writeReport(trace, join(root, 'trace-report-png'), { inlineSvgMaxBytes: 0 });
    const page = await openReport(asImages.html, join(root, 'trace-report-png.png'));
    checkPage(page, ['raster', 'rate-histogram', 'isi-cv-histogram', 'state-v-exc']);
    page.figures.forEach((f, k) => {
      expect(f.marks).toBe(0);
      expect(f.imageWidth).toBe(asImages.figures[k]!.pngWidth);
    });
  }, 120_000);

  it('a compare directory: the table and both curves', async () => {
    const dir = join(root, 'cmp');
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    const curve = (a: number) => [1000, 2000, 4000].map((samples, k) => ({ samples, accuracy: a + 0.05 * k, wallSeconds: 10 * (k + 1) }));
    writeFileSync(
      join(dir, 'compare.json'),
      JSON.stringify({
        contenders: [
          { name: 'sym-stdp', accuracyMean: 0.9, accuracyCi95: 0.01, accuracies: [0.89, 0.91], wallSeconds: 30, curve: curve(0.8) },
          { name: 'pair-stdp', accuracyMean: 0.85, accuracyCi95: [0.83, 0.87], accuracies: [0.84, 0.86], wallSeconds: 40, curve: curve(0.75) },
        ],
      }),
    );
    const out = join(root, 'cmp-report');
    const r = await writeReport(dir, out);
    checkPngs(out);
    const page = await openReport(r.html, join(root, 'compare-report.png'));
    checkPage(page, ['compare-summary', 'compare-samples', 'compare-time']);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('<td>sym-stdp</td><td>90.00 %</td><td>± 1.00</td>');
  }, 120_000);

  it('a long-tailed compare directory: the rare-class table and the per-class chart, classes from most to least trained', async () => {
    const dir = join(root, 'cmp-lt');
    mkdirSync(dir, { recursive: true });
    const classCounts = [300, 500, 200, 5, 80, 50, 30, 20, 12, 120];
    // class k is drawn with bar height (k + 1) / 20 for contender a, 1 − that for b
    const perClass = (flip: boolean) => classCounts.map((_, k) => (flip ? 1 - (k + 1) / 20 : (k + 1) / 20));
    const measure = (mean: number, difference: number | null) => ({
      accuracies: [mean - 0.01, mean + 0.01],
      mean,
      ci95: [mean - 0.05, mean + 0.05],
      difference: difference === null ? null : { against: 'uniform', mean: difference, ci95: [difference - 0.1, difference + 0.1], excludesZero: Math.abs(difference) > 0.1 },
    });
    writeFileSync(
      join(dir, 'compare.json'),
      JSON.stringify({
        longTail: { ratio: 100, trainSamples: 60000, size: 1317, classCounts, rarestFirst: [3, 8, 7, 6, 5, 4, 9, 2, 0, 1], rarestClasses: [3, 8, 7] },
        contenders: [
          { name: 'uniform', accuracyMean: 0.6, accuracyCi95: [0.55, 0.65], accuracies: [0.59, 0.61], wallSeconds: 30, longTail: { balanced: measure(0.58, null), rarest: measure(0.2, null), perClass: perClass(true) } },
          { name: 'cooldown', accuracyMean: 0.7, accuracyCi95: [0.66, 0.74], accuracies: [0.69, 0.71], wallSeconds: 31, longTail: { balanced: measure(0.69, 0.11), rarest: measure(0.5, -0.3), perClass: perClass(false) } },
        ],
      }),
    );
    const out = join(root, 'cmp-lt-report');
    const r = await writeReport(dir, out);
    expect(r.figures.map((f) => f.name)).toEqual(['compare-summary', 'compare-classes']);
    checkPngs(out);
    const page = await openReport(r.html, join(root, 'compare-lt-report.png'));
    checkPage(page, ['compare-summary', 'compare-classes']);
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('<th>rarest (3, 8, 7)</th>');
    expect(html).toContain('<td>cooldown</td><td>69.00 %</td><td>64.00 – 74.00</td><td>+11.00 (+1.00 – +21.00)</td><td>50.00 %</td><td>45.00 – 55.00</td><td>−30.00 (−40.00 – −20.00)</td>');
    expect(html).toContain('<td>uniform</td><td>58.00 %</td><td>53.00 – 63.00</td><td>–</td>');
    expect(html).toContain('long-tailed, ratio 100: 1317 images');
    // the chart lists the classes by training images, most first — 1 (500), 0 (300), … 3 (5) — as drawn in the page
    const labels = [...html.matchAll(/>(\d) \((\d+)\)</g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(labels).toEqual([1, 0, 2, 9, 4, 5, 6, 7, 8, 3].map((k) => [k, classCounts[k]]));
  }, 120_000);

  it('a long-tailed compare.json without per-class accuracy is refused in one line', () => {
    const dir = join(root, 'cmp-lt-bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ longTail: { ratio: 10, classCounts: [2, 1], rarestClasses: [1] }, contenders: [{ name: 'a', accuracyMean: 0.5, accuracyCi95: null, accuracies: [0.5], wallSeconds: 1 }] }));
    expect(() => readCompare(dir)).toThrow(/lacks its subset or a contender's per-class accuracy/);
  });
});
