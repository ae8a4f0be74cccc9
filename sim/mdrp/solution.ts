import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A solution of one instance, in the units of the public format (minutes, ids as in the files). */
export interface MdrpSolution {
  /** Orders in drop-off sequence. */
  readonly assignments: readonly {
    assignmentTime: number;
    pickupTime: number;
    courier: string;
    orders: readonly string[];
  }[];
  /** Delivered orders only. */
  readonly orders: readonly {
    order: string;
    placementTime: number;
    readyTime: number;
    pickupTime: number;
    dropoffTime: number;
    courier: string;
  }[];
  /** Grouped by courier, in execution order; origin `0` is the courier's start point. */
  readonly moves: readonly { courier: string; departureTime: number; origin: string; destination: string }[];
}

export const SOLUTION_FILES = {
  assignments: 'solution_info_assignments.txt',
  orders: 'solution_info_orders.txt',
  couriers: 'solution_info_couriers.txt',
} as const;

/** Minutes as the evaluator reads them: whole numbers plain, others with at most three decimals. */
export function minutes(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** The three files' text, space-separated with a header line each, exactly as the public evaluator reads them. */
export function solutionTexts(solution: MdrpSolution): Record<keyof typeof SOLUTION_FILES, string> {
  const lines = (header: string, rows: string[]) => `${[header, ...rows].join('\n')}\n`;
  return {
    assignments: lines(
      'assignment_time pickup_time courier orders',
      solution.assignments.map(
        (a) => `${minutes(a.assignmentTime)} ${minutes(a.pickupTime)} ${a.courier} ${a.orders.join(' ')}`,
      ),
    ),
    orders: lines(
      'order placement_time ready_time pickup_time dropoff_time courier',
      solution.orders.map(
        (o) =>
          `${o.order} ${minutes(o.placementTime)} ${minutes(o.readyTime)} ${minutes(o.pickupTime)} ${minutes(o.dropoffTime)} ${o.courier}`,
      ),
    ),
    couriers: lines(
      'courier departure_time origin destination',
      solution.moves.map((m) => `${m.courier} ${minutes(m.departureTime)} ${m.origin} ${m.destination}`),
    ),
  };
}

/** Writes the three solution files into `dir` (created if needed). */
export function writeSolution(dir: string, solution: MdrpSolution): void {
  mkdirSync(dir, { recursive: true });
  const texts = solutionTexts(solution);
  for (const key of Object.keys(SOLUTION_FILES) as (keyof typeof SOLUTION_FILES)[])
    writeFileSync(join(dir, SOLUTION_FILES[key]), texts[key]);
}
