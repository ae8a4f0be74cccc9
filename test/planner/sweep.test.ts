import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../twin/chromium.ts';

const SCENARIO = 'test/planner/fixtures/grid-sweep.json';
const OUT = mkdtempSync(join(tmpdir(), 'citytwin-sweep-'));
/** 2 configurations × 3 replications of one busy hour on a generated grid. */
const ARGS = [
  'sweep',
  SCENARIO,
  '--vary',
  'fleet.couriers.professional=3..6:3',
  '--replications',
  '3',
  '--until',
  '1h',
];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function citytwin(args: string[]): Promise<Exit> {
  return new Promise((done) => {
    execFile(process.execPath, ['bin/citytwin.js', ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const read = (dir: string, file: string) => readFileSync(join(OUT, dir, file), 'utf8');

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.on('exit', (code) => done(code)));
}

describe('citytwin sweep', () => {
  let children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    children = [];
  });

  it('writes results.json, results.csv (one row per run) and report.html', async () => {
    const r = await citytwin([...ARGS, '--parallel', '1', '--out', join(OUT, 'p1')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sweep: 6\/6 runs \(2 configurations × 3 replications\)/);
    for (const f of ['results.json', 'results.csv', 'report.html'])
      expect(existsSync(join(OUT, 'p1', f))).toBe(true);

    const rows = read('p1', 'results.csv').trim().split('\n');
    expect(rows).toHaveLength(7);
    const header = rows[0].split(',');
    expect(header.slice(0, 6)).toEqual([
      'run',
      'variant',
      'fleet.couriers.professional.count',
      'replication',
      'seed',
      'status',
    ]);
    for (const kpi of [
      'onTimeRate',
      'waitMinutes.mean',
      'courierUtilization',
      'demand.unserved',
      'demand.late',
    ])
      expect(header).toContain(kpi);
    const cells = rows.slice(1).map((row) => row.split(','));
    expect(cells.map((c) => [c[2], c[4], c[5]])).toEqual([
      ['3', '7', 'ok'],
      ['3', '8', 'ok'],
      ['3', '9', 'ok'],
      ['6', '7', 'ok'],
      ['6', '8', 'ok'],
      ['6', '9', 'ok'],
    ]);

    const json = JSON.parse(read('p1', 'results.json'));
    expect(json).toMatchObject({
      complete: true,
      runsPlanned: 6,
      runsFinished: 6,
      runsFailed: 0,
      seeds: [7, 8, 9],
    });
    expect(json.variants).toHaveLength(2);
    const wait = json.variants[0].kpis['waitMinutes.mean'];
    expect(wait.n).toBe(3);
    expect(wait.ci95[0]).toBeLessThanOrEqual(wait.mean);
    expect(wait.ci95[1]).toBeGreaterThanOrEqual(wait.mean);
    // common random numbers: replication k sees the same demand in both configurations
    const created = (v: number, k: number) => json.runs[v * 3 + k].kpis['orders.created'];
    for (const k of [0, 1, 2]) expect(created(0, k)).toBe(created(1, k));
    expect(new Set([0, 1, 2].map((k) => created(0, k))).size).toBeGreaterThan(1);
  });

  it('--parallel 2 gives byte-identical results.json and results.csv', async () => {
    const r = await citytwin([...ARGS, '--parallel', '2', '--out', join(OUT, 'p2')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/on 2 workers/);
    expect(read('p2', 'results.json')).toBe(read('p1', 'results.json'));
    expect(read('p2', 'results.csv')).toBe(read('p1', 'results.csv'));
  });

  it('report.html is self-contained and its charts and map draw in Chromium', async () => {
    const html = read('p1', 'report.html');
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`file://${resolve(OUT, 'p1', 'report.html')}`);
      const charts = await page.$$eval('figure svg', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const drawn = Array.from(
            svg.querySelectorAll('.mark-line path, .mark-symbol path, .mark-shape path'),
          ).filter((p) => {
            const b = (p as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          }).length;
          return {
            width: box.width,
            height: box.height,
            drawn,
            kpi: svg.parentElement?.dataset.kpi ?? 'map',
          };
        }),
      );
      // 8 headline KPIs + one panel of the others + one coverage map
      expect(charts.length).toBe(10);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(200);
        expect(c.height).toBeGreaterThan(100);
        expect(c.drawn).toBeGreaterThan(0);
      }
      expect(charts.map((c) => c.kpi)).toContain('onTimeRate');
      const text = await page.textContent('body');
      expect(text).toContain('smallest meeting target');
      expect(text).toContain('fleet.couriers.professional.count = 6');
    } finally {
      await browser.close();
    }
  });

  it('Ctrl-C keeps the finished runs; --resume finishes to the same results', async () => {
    const dir = join(OUT, 'resumed');
    const child = spawn(process.execPath, ['bin/citytwin.js', ...ARGS, '--parallel', '1', '--out', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exit = exited(child);
    const runs = join(dir, 'runs.jsonl');
    while (!(existsSync(runs) && readFileSync(runs, 'utf8').includes('\n'))) {
      if (child.exitCode !== null) throw new Error('the sweep ended before it could be interrupted');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(stdout).toMatch(/interrupted: \d of 6 runs kept/);
    const kept = readFileSync(runs, 'utf8').trim().split('\n').length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(6);
    expect(JSON.parse(read('resumed', 'results.json')).complete).toBe(false);

    const again = await citytwin([...ARGS, '--parallel', '1', '--out', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a sweep's runs; add --resume/);

    const resumed = await citytwin([...ARGS, '--parallel', '2', '--out', dir, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`6/6 runs .*, ${kept} from before; ${6 - kept} run now`));
    expect(read('resumed', 'results.json')).toBe(read('p1', 'results.json'));
  });
});
