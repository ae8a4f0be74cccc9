import type { BenchRecord } from './bench-record.ts';

/** The instance families of the public set, by the dimension each varies. */
export const FAMILY_GROUPS = [
  {
    dimension: 'size',
    label: 'size (all orders / half the orders / half the restaurants)',
    families: ['o100', 'o50', 'r50'],
  },
  { dimension: 'speed', label: 'travel speed (as recorded / 25 % faster)', families: ['t100', 't75'] },
  { dimension: 'shifts', label: 'courier shifts (historical / optimised)', families: ['s1', 's2'] },
  {
    dimension: 'preparation',
    label: 'preparation times (as recorded / 25 % longer)',
    families: ['p100', 'p125'],
  },
] as const;

const NAME = /^(\d+)(o100|o50|r50)(t100|t75)(s1|s2)(p100|p125)$/;

/** The families an instance belongs to, from its folder name (`3o50t75s2p125`); none for other names. */
export function familiesOf(instance: string): string[] {
  const m = NAME.exec(instance);
  return m ? [m[2], m[3], m[4], m[5]] : [];
}

/** The figures a family is summarised by (means over its instances), with how they read. */
export const FIGURES = [
  { key: 'clickToDoorMean', title: 'Click-to-door, mean (min)', published: 32.74 },
  { key: 'clickToDoorP90', title: 'Click-to-door, 90th percentile (min)', published: 49.3 },
  { key: 'overageMean', title: 'Click-to-door overage beyond target, mean (min)', published: 2.77 },
  { key: 'readyToPickupMean', title: 'Ready-to-pickup, mean (min)', published: 1.93 },
  { key: 'undeliveredPercent', title: 'Orders undelivered (%)', published: 0.25 },
  { key: 'ordersPerBundle', title: 'Orders per bundle', published: 1.09 },
  { key: 'readyToDoorMean', title: 'Ready-to-door, mean (min)', published: undefined },
  {
    key: 'clickToDoorBound',
    title: 'Bound on click-to-door mean (pickup at ready, straight to door)',
    published: undefined,
  },
  { key: 'utilizationMean', title: 'Courier utilisation, mean', published: undefined },
  { key: 'costPerOrder', title: 'Courier pay per order delivered', published: undefined },
  { key: 'wallSeconds', title: 'Solve time (s)', published: undefined },
] as const satisfies readonly { key: keyof BenchRecord; title: string; published: number | undefined }[];

export type FigureKey = (typeof FIGURES)[number]['key'];

/** The published default of the state of the art: lower is better for these, and "beating" means ≤. */
export const BEATEN_FIGURES: readonly FigureKey[] = [
  'clickToDoorMean',
  'clickToDoorP90',
  'overageMean',
  'readyToPickupMean',
  'undeliveredPercent',
];

export interface FamilySummary {
  readonly dimension: string;
  readonly family: string;
  readonly policy: string;
  /** Instances solved without a rule violation. */
  readonly instances: number;
  readonly failed: number;
  readonly means: Readonly<Record<FigureKey, number>>;
}

function summarise(
  dimension: string,
  family: string,
  policy: string,
  records: readonly BenchRecord[],
): FamilySummary {
  const ok = records.filter((r) => r.ok);
  const means = {} as Record<FigureKey, number>;
  for (const f of FIGURES) {
    const values = ok.map((r) => r[f.key] as number).filter((v) => Number.isFinite(v));
    means[f.key] = values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
  }
  return { dimension, family, policy, instances: ok.length, failed: records.length - ok.length, means };
}

/**
 * Means over instances (as the published figures are) per policy: over everything, then per family
 * of each dimension. Families without instances in this bench are left out.
 */
export function familySummaries(records: readonly BenchRecord[]): FamilySummary[] {
  const policies = [...new Set(records.map((r) => r.policy))];
  const out: FamilySummary[] = [];
  for (const policy of policies) {
    const mine = records.filter((r) => r.policy === policy);
    out.push(summarise('all', 'all', policy, mine));
    for (const g of FAMILY_GROUPS)
      for (const family of g.families) {
        const members = mine.filter((r) => familiesOf(r.instance).includes(family));
        if (members.length > 0) out.push(summarise(g.dimension, family, policy, members));
      }
  }
  return out;
}
