// Debian packages that the real-browser and real-broker tests need, and how to tell they are present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each entry names the Debian package and the executable whose presence proves it is installed. */
export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', binary: '/usr/bin/chromium', why: 'the 3D twin is tested in a real browser' },
  {
    pkg: 'mosquitto',
    binary: '/usr/sbin/mosquitto',
    why: 'the MQTT adapter is tested against a real broker',
  },
];

/** Missing packages, so a fresh machine learns exactly what to install before any test starts. */
export function missingPackages() {
  return SYSTEM_PACKAGES.filter((p) => !existsSync(p.binary));
}

/**
 * Installs what is missing with apt when this process may (root, apt-get present, no prompt needed);
 * otherwise returns the exact command the user must run, so `npm test` never half-runs.
 */
export function ensureSystemPackages(log = console.log) {
  const missing = missingPackages();
  if (missing.length === 0) return { ok: true };
  const names = missing.map((p) => p.pkg).join(' ');
  const command = `sudo apt-get update && sudo apt-get install -y ${names}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) return { ok: false, command };
  for (const p of missing) log(`installing ${p.pkg} (${p.why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) return { ok: false, command };
  const install = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.pkg)],
    { stdio: 'inherit', env },
  );
  if (install.status !== 0 || missingPackages().length > 0) return { ok: false, command };
  return { ok: true };
}
