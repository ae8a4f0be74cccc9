import Database from 'better-sqlite3';

/** One accepted command as journaled: enough to apply it again, in order, after a restart. */
export interface JournalEntry {
  readonly seq: number;
  /** Server time it was applied at, ms since the Unix epoch. */
  readonly at: number;
  readonly principal: string;
  readonly role: string;
  readonly cid: string;
  readonly type: string;
  /** The message body as applied (principal fields filled), JSON. */
  readonly body: string;
}

export type NewEntry = Omit<JournalEntry, 'seq'>;

/** Where an appended command landed: a new sequence number, or the one its cid already has. */
export type Appended = { readonly seq: number; readonly duplicate: boolean };

/**
 * `normal`: a commit survives the server process dying (kill -9, crash), not the machine losing
 * power. `full`: fsync on every commit, survives power loss too, at a few hundred commits/s.
 */
export type SyncMode = 'normal' | 'full';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  principal TEXT NOT NULL,
  role TEXT NOT NULL,
  cid TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (principal, cid)
);
CREATE TABLE IF NOT EXISTS port_answers (key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS principals (id TEXT PRIMARY KEY, role TEXT NOT NULL);
`;

/**
 * The dispatch server's write-ahead journal in SQLite (WAL mode). Every accepted command is
 * appended, in one transaction per batch, before it is applied or acknowledged; the server's state
 * is whatever replaying the journal in sequence order produces. The unique (principal, cid) index
 * is what makes a retried command act once, across restarts too.
 *
 * Port answers (route quotes) are kept beside the commands, keyed by what they answer, so a replay
 * gets the very answers the live server got without asking the router again.
 */
export class Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly findCid: Database.Statement;
  private readonly putAnswer: Database.Statement;
  private readonly appendMany: (rows: readonly NewEntry[]) => Appended[];
  private readonly answerMany: (answers: readonly { key: string; body: string }[]) => void;

  constructor(path: string, sync: SyncMode = 'normal') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO journal (at, principal, role, cid, type, body) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.findCid = this.db.prepare('SELECT seq FROM journal WHERE principal = ? AND cid = ?').pluck();
    this.putAnswer = this.db.prepare('INSERT OR IGNORE INTO port_answers (key, body) VALUES (?, ?)');
    this.appendMany = this.db.transaction((rows: readonly NewEntry[]) =>
      rows.map((r): Appended => {
        const info = this.insert.run(r.at, r.principal, r.role, r.cid, r.type, r.body);
        if (info.changes === 1) return { seq: Number(info.lastInsertRowid), duplicate: false };
        return { seq: Number(this.findCid.get(r.principal, r.cid)), duplicate: true };
      }),
    );
    this.answerMany = this.db.transaction((answers: readonly { key: string; body: string }[]) => {
      for (const a of answers) this.putAnswer.run(a.key, a.body);
    });
  }

  /**
   * Leaves checkpoints to another connection (a `JournalCheckpointer`): a commit then only appends
   * to the WAL and never stalls on copying it into the database file; past `backstopPages` of WAL
   * (64 MiB by default) a commit still checkpoints itself, so the WAL stays bounded if nobody does.
   */
  deferCheckpoints(backstopPages = 16_384): void {
    this.db.pragma(`wal_autocheckpoint = ${backstopPages}`);
  }

  /** Appends a batch atomically; a (principal, cid) already present is reported, not re-added. */
  append(rows: readonly NewEntry[]): Appended[] {
    return rows.length === 0 ? [] : this.appendMany(rows);
  }

  /** Every entry in sequence order, streamed (the journal may be far larger than memory). */
  entries(): IterableIterator<JournalEntry> {
    return this.db
      .prepare('SELECT seq, at, principal, role, cid, type, body FROM journal ORDER BY seq')
      .iterate() as IterableIterator<JournalEntry>;
  }

  recordAnswers(answers: readonly { key: string; body: string }[]): void {
    if (answers.length > 0) this.answerMany(answers);
  }

  answers(): Map<string, string> {
    const rows = this.db.prepare('SELECT key, body FROM port_answers').all() as {
      key: string;
      body: string;
    }[];
    return new Map(rows.map((r) => [r.key, r.body]));
  }

  /**
   * Binds a principal id to a role on first use and returns the bound role, so one id can never
   * be a courier on one connection and a customer on another (messages are addressed by id).
   */
  bindPrincipal(id: string, role: string): string {
    this.db.prepare('INSERT OR IGNORE INTO principals (id, role) VALUES (?, ?)').run(id, role);
    return String(this.db.prepare('SELECT role FROM principals WHERE id = ?').pluck().get(id));
  }

  principals(): Map<string, string> {
    const rows = this.db.prepare('SELECT id, role FROM principals').all() as { id: string; role: string }[];
    return new Map(rows.map((r) => [r.id, r.role]));
  }

  getMeta(key: string): string | undefined {
    const value = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key);
    return value === undefined ? undefined : String(value);
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /** Folds the WAL into the database file and closes it (a clean shutdown leaves one file). */
  close(): void {
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
