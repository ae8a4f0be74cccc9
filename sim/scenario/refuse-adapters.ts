import { UserError } from '../cli/user-error.ts';
import type { AdapterSpec } from './adapters-schema.ts';

/**
 * Commands that cannot drive some adapter kinds refuse the scenario up front, naming the entry,
 * rather than silently running everything simulated: `citytwin serve` keeps dispatch in the twin
 * (no remote dispatch server), and a sweep runs many worlds as fast as possible (no real devices,
 * no remote backend).
 */
export function refuseAdapters(
  adapters: Readonly<Record<string, AdapterSpec>>,
  refused: readonly AdapterSpec['kind'][],
  command: string,
  why: string,
): void {
  for (const [key, spec] of Object.entries(adapters)) {
    if (!refused.includes(spec.kind)) continue;
    const field = /^[\w]+$/.test(key) ? `adapters.${key}` : `adapters["${key}"]`;
    throw new UserError(
      `${field}.kind: ${command} cannot use "${spec.kind}" (${why}); expected "sim" or no entry, or use citytwin run`,
    );
  }
}
