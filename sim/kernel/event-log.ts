import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { quoteString, stableStringify } from './stable-json.ts';

/** One line of the event log: a delivered message or a state change. */
export type LogEntry =
  | { t: number; kind: 'msg'; from: string; to: string; msg: unknown }
  | { t: number; kind: 'state'; actor: string; state: string }
  | { t: number; kind: 'fault'; fault: string; from: string; to: string; msg: unknown; delayMs?: number }
  | { t: number; kind: 'note'; actor: string; note: string; data?: unknown };

function messageLine(t: number, from: string, to: string, msg: unknown): string {
  return `{"from":${quoteString(from)},"kind":"msg","msg":${stableStringify(msg)},"t":${stableStringify(t)},"to":${quoteString(to)}}`;
}

function stateLine(t: number, actor: string, state: string): string {
  return `{"actor":${quoteString(actor)},"kind":"state","state":${quoteString(state)},"t":${stableStringify(t)}}`;
}

/**
 * The two kinds that make up nearly every line are written by template, with their keys already in
 * sorted order, which gives exactly `stableStringify(entry)` without sorting on the hot path.
 */
function lineOf(entry: LogEntry): string {
  if (entry.kind === 'msg') return messageLine(entry.t, entry.from, entry.to, entry.msg);
  if (entry.kind === 'state') return stateLine(entry.t, entry.actor, entry.state);
  return stableStringify(entry);
}

/**
 * The complete, ordered record of a run. Every line is hashed as it is written (SHA-256), so the
 * digest of a whole day costs no memory; the file is written only when a path is given.
 */
export class EventLog {
  private readonly hash: Hash = createHash('sha256');
  private readonly file: WriteStream | undefined;
  private buffer: string[] = [];
  /** Lines not yet fed to the hash: one `update` per ~64 KiB instead of two per line. */
  private pendingHash = '';
  private count = 0;
  private readonly listeners: ((entry: LogEntry, line: string) => void)[] = [];

  constructor(path?: string) {
    this.file = path ? createWriteStream(path) : undefined;
  }

  get entries(): number {
    return this.count;
  }

  /** Subscribe to every entry (the twin and tests use it); listeners must not mutate entries. */
  onEntry(listener: (entry: LogEntry, line: string) => void): void {
    this.listeners.push(listener);
  }

  append(entry: LogEntry): void {
    this.write(lineOf(entry), entry);
  }

  /**
   * `append` of a `msg` entry, the kind of nearly every line, without building the entry object
   * unless a listener wants it: same line, same hash.
   */
  appendMessage(t: number, from: string, to: string, msg: unknown): void {
    this.write(
      messageLine(t, from, to, msg),
      this.listeners.length === 0 ? undefined : { t, kind: 'msg', from, to, msg },
    );
  }

  /** `append` of a `state` entry, building the entry object only for listeners. */
  appendState(t: number, actor: string, state: string): void {
    this.write(
      stateLine(t, actor, state),
      this.listeners.length === 0 ? undefined : { t, kind: 'state', actor, state },
    );
  }

  private write(line: string, entry: LogEntry | undefined): void {
    this.pendingHash += `${line}\n`;
    if (this.pendingHash.length >= 65_536) this.flushHash();
    this.count++;
    if (this.file) {
      this.buffer.push(line);
      if (this.buffer.length >= 4096) this.flushBuffer();
    }
    if (entry !== undefined) for (const listener of this.listeners) listener(entry, line);
  }

  /** Hex digest of every line so far; the log stays appendable afterwards. */
  digest(): string {
    this.flushHash();
    return this.hash.copy().digest('hex');
  }

  async close(): Promise<void> {
    if (!this.file) return;
    this.flushBuffer();
    const file = this.file;
    await new Promise<void>((resolve, reject) =>
      file.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  private flushHash(): void {
    if (this.pendingHash === '') return;
    this.hash.update(this.pendingHash);
    this.pendingHash = '';
  }

  private flushBuffer(): void {
    if (!this.file || this.buffer.length === 0) return;
    this.file.write(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
  }
}
