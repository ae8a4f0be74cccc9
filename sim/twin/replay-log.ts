import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { UserError } from '../cli/user-error.ts';
import type { LogEntry } from '../kernel/event-log.ts';

/** The event-log line schema (see `LogEntry` in sim/kernel/event-log.ts), checked line by line. */
const time = z.number().finite().nonnegative();
const entrySchema = z.discriminatedUnion('kind', [
  z.object({ t: time, kind: z.literal('msg'), from: z.string(), to: z.string(), msg: z.unknown() }),
  z.object({ t: time, kind: z.literal('state'), actor: z.string(), state: z.string() }),
  z.object({
    t: time,
    kind: z.literal('fault'),
    fault: z.string(),
    from: z.string(),
    to: z.string(),
    msg: z.unknown(),
  }),
  z.object({
    t: time,
    kind: z.literal('note'),
    actor: z.string(),
    note: z.string(),
    data: z.unknown().optional(),
  }),
]);

const EXPECTED =
  'a JSON object {t, kind: "state"|"msg"|"fault"|"note", …} as citytwin check or citytwin run --log writes';

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** One line as an entry, or why it is not one in the user's terms: the field and what was expected. */
function parseLine(line: string): { entry: LogEntry } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: `expected ${EXPECTED}, got "${clip(line)}", which is not JSON` };
  }
  const parsed = entrySchema.safeParse(value);
  if (parsed.success) return { entry: value as LogEntry };
  const issue = parsed.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : 'kind';
  return { problem: `${field}: ${issue.message.toLowerCase()} (each line must be ${EXPECTED})` };
}

/**
 * Reads an event log written by `citytwin check` (a failing run) or `citytwin run --log`, one line
 * at a time (a day of Monaco is hundreds of megabytes; only the parsed entries are kept). Entries
 * must be in time order, as the kernel writes them. A missing file, a malformed line or a step back
 * in time is a UserError naming the file and line.
 */
export async function readReplayLog(path: string): Promise<LogEntry[]> {
  try {
    if (!(await stat(path)).isFile()) throw new UserError(`--log: expected a file, got directory ${path}`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--log: expected an event-log file (JSONL), got missing file ${path}`);
  }
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const entries: LogEntry[] = [];
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      lines.close();
      throw new UserError(`${path}:${number}: ${parsed.problem}`);
    }
    const { entry } = parsed;
    const last = entries[entries.length - 1];
    if (last && entry.t < last.t) {
      lines.close();
      throw new UserError(
        `${path}:${number}: t: expected a time at or after the previous line's ${last.t}, got ${entry.t}`,
      );
    }
    entries.push(entry);
  }
  if (entries.length === 0) throw new UserError(`${path}: expected at least one event-log line, got none`);
  return entries;
}
