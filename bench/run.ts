import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchCase, peakRssMiB } from './bench-case.ts';

/**
 * `npm run bench [-- --json] [-- --only kernel,routing]`: every bench/*.ts module that exports
 * `run()` is a case; each measures itself against a baseline in this same process, so ratios stay
 * comparable between machines while absolute figures do not.
 */
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? '').split(',')) : undefined;

const dir = new URL('.', import.meta.url);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'bench-case.ts')
  .map((f) => basename(f, '.ts'))
  .filter((name) => !only || only.has(name))
  .sort();

const cases: BenchCase[] = [];
const failures: { module: string; error: string }[] = [];
for (const name of modules) {
  const mod = (await import(pathToFileURL(new URL(`${name}.ts`, dir).pathname).href)) as {
    run?: () => Promise<BenchCase[]>;
  };
  if (typeof mod.run !== 'function') continue;
  if (!json) process.stderr.write(`bench: ${name} …\n`);
  try {
    cases.push(...(await mod.run()));
  } catch (err) {
    failures.push({ module: name, error: (err as Error).message });
  }
}

const machine = {
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  peakRssMiB: peakRssMiB(),
};
if (json) {
  process.stdout.write(`${JSON.stringify({ machine, cases, failures })}\n`);
} else {
  for (const c of cases) {
    const ratio =
      c.ratio === undefined ? '' : `  ratio ${c.ratio}${c.aim ? ` (aim ${c.aim})` : ''} vs ${c.baseline}`;
    process.stdout.write(`\n${c.name}${ratio}\n`);
    for (const [key, value] of Object.entries(c.figures))
      process.stdout.write(`  ${key.padEnd(34)} ${value}\n`);
  }
  for (const f of failures) process.stdout.write(`\nFAILED ${f.module}: ${f.error}\n`);
  process.stdout.write(`\nnode ${machine.node}, ${machine.cpus} cores, peak RSS ${machine.peakRssMiB} MiB\n`);
}
if (failures.length > 0) process.exitCode = 1;
