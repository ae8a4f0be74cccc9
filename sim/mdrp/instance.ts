import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../cli/user-error.ts';

/**
 * One instance of the meal delivery routing problem (the public Grubhub set): restaurants, orders
 * and couriers of one day of one city, with its parameters. Times in minutes, coordinates in
 * metres, exactly as the files give them.
 */
export interface MdrpInstance {
  readonly name: string;
  readonly dir: string;
  readonly restaurants: readonly { id: string; x: number; y: number }[];
  readonly orders: readonly {
    id: string;
    x: number;
    y: number;
    placementTime: number;
    restaurant: string;
    readyTime: number;
  }[];
  readonly couriers: readonly { id: string; x: number; y: number; onTime: number; offTime: number }[];
  readonly params: MdrpParameters;
}

export interface MdrpParameters {
  readonly metersPerMinute: number;
  readonly pickupServiceMinutes: number;
  readonly dropoffServiceMinutes: number;
  readonly targetClickToDoor: number;
  readonly maxClickToDoor: number;
  readonly payPerOrder: number;
  readonly guaranteedPayPerHour: number;
}

/** A problem in an instance folder, located as `file:line: what was expected, got what`. */
export class MdrpInstanceError extends UserError {}

const COLUMNS = {
  restaurants: ['restaurant', 'x', 'y'],
  orders: ['order', 'x', 'y', 'placement_time', 'restaurant', 'ready_time'],
  couriers: ['courier', 'x', 'y', 'on_time', 'off_time'],
  parameters: [
    'meters_per_minute',
    'pickup service minutes',
    'dropoff service minutes',
    'target click-to-door',
    'maximum click-to-door',
    'pay per order',
    'guaranteed pay per hour',
  ],
} as const;

interface Row {
  readonly line: number;
  readonly fields: readonly string[];
}

/** Reads a tab-separated file with a header; checks the header and the field count of every line. */
function readTable(dir: string, file: string, columns: readonly string[]): Row[] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new MdrpInstanceError(`${file}: missing in ${dir}`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = (lines[0] ?? '').replace(/\r$/, '').split('\t');
  if (header.length !== columns.length || header.some((h, i) => h.trim() !== columns[i]))
    throw new MdrpInstanceError(
      `${file}:1: expected the tab-separated columns "${columns.join(' | ')}", got "${header.join(' | ')}"`,
    );
  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i].replace(/\r$/, '');
    if (text.trim() === '') continue;
    const fields = text.split('\t').map((f) => f.trim());
    if (fields.length !== columns.length)
      throw new MdrpInstanceError(
        `${file}:${i + 1}: expected ${columns.length} tab-separated fields (${columns.join(', ')}), got ${fields.length}`,
      );
    rows.push({ line: i + 1, fields });
  }
  return rows;
}

function number(file: string, row: Row, column: string, index: number): number {
  const raw = row.fields[index];
  const n = raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n))
    throw new MdrpInstanceError(`${file}:${row.line}: ${column}: expected a number, got "${raw}"`);
  return n;
}

function time(file: string, row: Row, column: string, index: number): number {
  const n = number(file, row, column, index);
  if (n < 0) throw new MdrpInstanceError(`${file}:${row.line}: ${column}: expected a time >= 0, got ${n}`);
  return n;
}

function positive(file: string, row: Row, column: string, index: number, allowZero: boolean): number {
  const n = number(file, row, column, index);
  if (allowZero ? n < 0 : n <= 0)
    throw new MdrpInstanceError(
      `${file}:${row.line}: ${column}: expected ${allowZero ? '>= 0' : '> 0'}, got ${n}`,
    );
  return n;
}

/** Ids name places in the solution's courier moves, so they are unique across all three files. */
function idOf(file: string, row: Row, column: string, seen: Map<string, string>): string {
  const id = row.fields[0];
  if (id === '' || /\s/.test(id) || id === '0')
    throw new MdrpInstanceError(
      `${file}:${row.line}: ${column}: expected a non-empty id without spaces other than "0", got "${id}"`,
    );
  const where = seen.get(id);
  if (where)
    throw new MdrpInstanceError(
      `${file}:${row.line}: ${column}: expected a unique id, "${id}" is already ${where}`,
    );
  seen.set(id, `${file}:${row.line}`);
  return id;
}

/**
 * Reads an instance folder. Every problem — a missing file, a wrong header, a line with too few
 * fields, a value that is not a number, a negative time, an unknown restaurant, a ready time before
 * the placement, a shift that ends before it starts — is an `MdrpInstanceError` naming the file and
 * line, because a benchmark run on a silently misread instance is worse than no run.
 */
export function loadInstance(dir: string): MdrpInstance {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new MdrpInstanceError(
      `${dir}: expected an instance folder, got ${existsSync(dir) ? 'a file' : 'nothing'}`,
    );
  const seen = new Map<string, string>();
  const restaurants = readTable(dir, 'restaurants.txt', COLUMNS.restaurants).map((r) => ({
    id: idOf('restaurants.txt', r, 'restaurant', seen),
    x: number('restaurants.txt', r, 'x', 1),
    y: number('restaurants.txt', r, 'y', 2),
  }));
  const restaurantIds = new Set(restaurants.map((r) => r.id));
  const orders = readTable(dir, 'orders.txt', COLUMNS.orders).map((r) => {
    const f = 'orders.txt';
    const order = {
      id: idOf(f, r, 'order', seen),
      x: number(f, r, 'x', 1),
      y: number(f, r, 'y', 2),
      placementTime: time(f, r, 'placement_time', 3),
      restaurant: r.fields[4],
      readyTime: time(f, r, 'ready_time', 5),
    };
    if (!restaurantIds.has(order.restaurant))
      throw new MdrpInstanceError(
        `${f}:${r.line}: restaurant: expected an id listed in restaurants.txt, got "${order.restaurant}"`,
      );
    if (order.readyTime < order.placementTime)
      throw new MdrpInstanceError(
        `${f}:${r.line}: ready_time: expected >= placement_time ${order.placementTime}, got ${order.readyTime}`,
      );
    return order;
  });
  const couriers = readTable(dir, 'couriers.txt', COLUMNS.couriers).map((r) => {
    const f = 'couriers.txt';
    const courier = {
      id: idOf(f, r, 'courier', seen),
      x: number(f, r, 'x', 1),
      y: number(f, r, 'y', 2),
      onTime: time(f, r, 'on_time', 3),
      offTime: time(f, r, 'off_time', 4),
    };
    if (courier.offTime < courier.onTime)
      throw new MdrpInstanceError(
        `${f}:${r.line}: off_time: expected >= on_time ${courier.onTime}, got ${courier.offTime}`,
      );
    return courier;
  });
  const paramRows = readTable(dir, 'instance_parameters.txt', COLUMNS.parameters);
  if (paramRows.length !== 1)
    throw new MdrpInstanceError(
      `instance_parameters.txt: expected exactly one line of values, got ${paramRows.length}`,
    );
  const p = paramRows[0];
  const f = 'instance_parameters.txt';
  const params: MdrpParameters = {
    metersPerMinute: positive(f, p, 'meters_per_minute', 0, false),
    pickupServiceMinutes: positive(f, p, 'pickup service minutes', 1, true),
    dropoffServiceMinutes: positive(f, p, 'dropoff service minutes', 2, true),
    targetClickToDoor: positive(f, p, 'target click-to-door', 3, true),
    maxClickToDoor: positive(f, p, 'maximum click-to-door', 4, true),
    payPerOrder: positive(f, p, 'pay per order', 5, true),
    guaranteedPayPerHour: positive(f, p, 'guaranteed pay per hour', 6, true),
  };
  return { name: basename(dir.replace(/[/\\]+$/, '')), dir, restaurants, orders, couriers, params };
}
