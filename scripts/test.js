#!/usr/bin/env node
// `npm test`: everything, in the order that fails fastest — system packages, format+lint, types, tests.
import { spawnSync } from 'node:child_process';
import { ensureSystemPackages } from './system-packages.js';

const steps = [
  ['format and lint (biome)', 'npx', ['biome', 'check', '.']],
  ['types (tsc --noEmit)', 'npx', ['tsc', '--noEmit']],
  ['tests (vitest)', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

const system = ensureSystemPackages((line) => console.log(`[test] ${line}`));
if (!system.ok) {
  console.error(`[test] missing system packages; run:\n  ${system.command}\nthen npm test again.`);
  process.exit(1);
}

for (const [name, cmd, args] of steps) {
  const started = performance.now();
  console.log(`[test] ${name}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`[test] ${name} failed after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  console.log(`[test] ${name} passed in ${seconds} s`);
}
