import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../../sim/dispatch-server/server-command.ts';
import { planLoad } from '../../sim/load/load-plan.ts';
import type { LoadReport } from '../../sim/load/load-report.ts';
import { scenarioCity } from '../../sim/load/scenario-city.ts';
import { loadScenario } from '../../sim/scenario/load-scenario.ts';
import {
  checkAgainstJournal,
  readRecords,
  type ServerProcess,
  scratchDir,
  startLoad,
  startServer,
  stateOf,
} from './server-process.ts';

const scratch = scratchDir();
let server: ServerProcess | undefined;

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  scratch.remove();
});

describe('citytwin load', () => {
  it('plans the same run for the same seed (seeds 5 and 6)', async () => {
    const scenario = loadScenario(DEFAULT_SCENARIO);
    const city = await scenarioCity(DEFAULT_SCENARIO, scenario);
    const shape = { couriers: 40, customers: 80, rate: 20, durationMs: 10_000, seed: 5 };
    const a = planLoad(scenario, city, shape);
    const b = planLoad(scenario, city, shape);
    const c = planLoad(scenario, city, { ...shape, seed: 6 });
    expect(a.hash).toBe(b.hash);
    expect(a.orders).toEqual(b.orders);
    expect(c.hash).not.toBe(a.hash);
    expect(a.couriers).toHaveLength(40);
    expect(a.customers).toHaveLength(80);
    // Poisson arrivals at 20/s over 10 s: 200 expected, well within ±4 sd
    expect(a.orders.length).toBeGreaterThan(140);
    expect(a.orders.length).toBeLessThan(260);
  });

  it('reports sensible figures and leaves the server with consistent books (seed 3)', async () => {
    const db = `${scratch.dir}/load.sqlite`;
    const record = `${scratch.dir}/load.jsonl`;
    server = await startServer(db);
    const load = startLoad(server.url, [
      '--couriers',
      '16',
      '--customers',
      '30',
      '--rate',
      '8',
      '--duration',
      '5s',
      '--positions',
      '2',
      '--time-scale',
      '200',
      '--flow-rate',
      '3',
      '--cancel-share',
      '0.3',
      '--seed',
      '3',
      '--json',
      '--record',
      record,
    ]);
    const { code, stdout, stderr } = await load.done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as LoadReport;

    expect(report.protocolErrors).toBe(0);
    expect(report.errors).toEqual({});
    // couriers and customers, plus the cars, stores, gateways and owners the other flows involve
    expect(report.actors).toMatchObject({ couriers: 16, customers: 30 });
    expect(report.actors.connected).toBeGreaterThan(46);
    // the other flows went over the wire: trunk deliveries, preorders, rentals, key actions
    expect(report.orders['trunk.accepted']).toBeGreaterThan(0);
    expect(report.orders['preorder.confirmed']).toBeGreaterThan(0);
    expect(report.orders['rental.granted']).toBeGreaterThan(0);
    expect(report.orders['key.door_unlock']).toBeGreaterThan(0);
    const upgrades = (report.orders['rental.upgraded'] ?? 0) + (report.orders['rental.upgradeRefused'] ?? 0);
    expect(upgrades).toBeGreaterThan(0);
    for (const type of [
      'trunk.order',
      'preorder.place',
      'rental.request',
      'rental.upgrade',
      'vehicle.telemetry',
      'key.result',
    ])
      expect(report.latencyMs[type]?.count, type).toBeGreaterThan(0);
    expect(report.commands.acked).toBe(report.commands.sent);
    expect(report.orders.published).toBeGreaterThan(15);
    expect(report.orders.acceptWon).toBeGreaterThan(0);
    // 16 couriers × 2/s × 5 s, less what a backlog skipped
    expect(report.latencyMs['courier.position'].count).toBeGreaterThan(100);
    expect(report.throughput.positionsPerS).toBeGreaterThan(15);
    expect(report.throughput.commandsPerS).toBeGreaterThan(0);
    for (const [type, l] of Object.entries(report.latencyMs)) {
      expect(l.count, type).toBeGreaterThan(0);
      expect(l.p50, type).toBeGreaterThan(0);
      expect(l.p50, type).toBeLessThanOrEqual(l.p95);
      expect(l.p95, type).toBeLessThanOrEqual(l.p99);
      expect(l.p99, type).toBeLessThanOrEqual(l.max);
    }
    expect(report.planHash).toMatch(/^[0-9a-f]{64}$/);

    const records = readRecords(record);
    expect(records.length).toBe(report.commands.ok);
    const state = await stateOf(server.url, true);
    checkAgainstJournal(db, records, state);
    const opened = ['published', 'trunk.accepted', 'preorder.confirmed', 'rental.granted'];
    expect(state.orders.steps.created).toBe(opened.reduce((n, k) => n + (report.orders[k] ?? 0), 0));
    expect(state.couriers.online).toBe(0);

    const metrics = (await (await fetch(`${server.url}/metrics`)).json()) as {
      messages: { accepted: Record<string, number> };
      latencyMs: Record<string, { p99: number }>;
      flows: { orders: Record<string, { orders: number; byState: Record<string, number> }> };
    };
    // orders by flow and state: each flow's orders are the ones the driver saw opened
    const byFlow = metrics.flows.orders;
    expect(byFlow.errand.orders).toBe(report.orders.published);
    expect(byFlow.trunk.orders).toBe(report.orders['trunk.accepted']);
    expect(byFlow.preorder.orders).toBe(report.orders['preorder.confirmed']);
    expect(byFlow.rental.orders).toBe(report.orders['rental.granted']);
    const total = Object.values(byFlow).reduce((n, f) => n + f.orders, 0);
    expect(total).toBe(state.orders.steps.created);
    expect(byFlow.errand.byState.completed).toBeGreaterThan(0);
    expect(metrics.messages.accepted['errand.publish']).toBe(
      records.filter((r) => r.type === 'errand.publish').length,
    );
    expect(metrics.latencyMs['courier.position'].p99).toBeGreaterThan(0);
    const prometheus = await (await fetch(`${server.url}/metrics?format=prometheus`)).text();
    expect(prometheus).toContain('citytwin_dispatch_commands_accepted_total{type="errand.publish"}');
    expect(prometheus).toMatch(/citytwin_dispatch_orders\{flow="errand",state="completed"\} [1-9]/);
  });
});
