import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../cli/user-error.ts';
import type { RunRecord } from './sweep-run.ts';

/** What makes two sweeps the same sweep: resuming is allowed only when all of it matches. */
export interface SweepIdentity {
  readonly scenarioSha256: string;
  readonly vary: readonly { readonly path: string; readonly values: readonly (number | string)[] }[];
  readonly replications: number;
  readonly untilMs: number;
  readonly baseSeed: number;
}

const PLAN = 'sweep.json';
const RUNS = 'runs.jsonl';

/**
 * The sweep's memory on disk: `sweep.json` (what is being swept) and `runs.jsonl` (one finished run
 * per line, appended as each run ends). A Ctrl-C, a crash or a closed laptop loses at most the runs
 * in flight; `--resume` reads the finished ones back and runs only the rest.
 */
export class SweepJournal {
  readonly records = new Map<number, RunRecord>();

  private constructor(
    readonly dir: string,
    readonly identity: SweepIdentity,
  ) {}

  /**
   * Opens the journal in `dir`. A fresh sweep refuses a directory that holds another sweep's runs
   * (unless `force`); a resumed one requires the same identity and reloads the finished runs.
   */
  static open(dir: string, identity: SweepIdentity, mode: { resume: boolean; force: boolean }): SweepJournal {
    const journal = new SweepJournal(dir, identity);
    const planPath = join(dir, PLAN);
    const runsPath = join(dir, RUNS);
    if (mode.resume) {
      if (!existsSync(planPath))
        throw new UserError(`--resume: expected an interrupted sweep in ${dir}, got no ${PLAN} there`);
      const saved = JSON.parse(readFileSync(planPath, 'utf8')) as SweepIdentity;
      const differs = differingField(saved, identity);
      if (differs)
        throw new UserError(
          `--resume: the sweep in ${dir} was started with another ${differs}; repeat its original options or choose another --out`,
        );
      if (existsSync(runsPath)) journal.load(readFileSync(runsPath, 'utf8'));
      return journal;
    }
    if (existsSync(runsPath) && !mode.force)
      throw new UserError(
        `--out: ${dir} already holds a sweep's runs; add --resume to finish it or --force to start over`,
      );
    mkdirSync(dir, { recursive: true });
    rmSync(runsPath, { force: true });
    writeFileSync(planPath, `${JSON.stringify(identity, null, 2)}\n`);
    return journal;
  }

  /** Records a finished run (and appends it to disk at once). */
  add(record: RunRecord): void {
    this.records.set(record.id, record);
    appendFileSync(join(this.dir, RUNS), `${JSON.stringify(record)}\n`);
  }

  /** Finished runs sorted by id. Failed runs count as unfinished for `--resume` (they run again). */
  sorted(): RunRecord[] {
    return [...this.records.values()].sort((a, b) => a.id - b.id);
  }

  private load(text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as RunRecord;
        if (record.ok) this.records.set(record.id, record);
        else this.records.delete(record.id);
      } catch {
        // a line cut short by the interruption: that run simply runs again
      }
    }
  }
}

function differingField(a: SweepIdentity, b: SweepIdentity): string | undefined {
  if (a.scenarioSha256 !== b.scenarioSha256) return 'scenario file content';
  if (JSON.stringify(a.vary) !== JSON.stringify(b.vary)) return '--vary';
  if (a.replications !== b.replications) return '--replications';
  if (a.untilMs !== b.untilMs) return '--until';
  if (a.baseSeed !== b.baseSeed) return '--seed';
  return undefined;
}
