import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { topicOf } from '../../adapters/mqtt/topic-schema.ts';
import { issueKey } from '../../machines/digital-key.ts';
import type { NetMessage } from '../../sim/kernel/net.ts';
import { parseScenario, type ScenarioError } from '../../sim/scenario/load-scenario.ts';
import { RealDevices } from '../../sim/world/real-devices.ts';
import { World } from '../../sim/world/world.ts';
import { WorldView } from '../../sim/world/world-view.ts';
import { type DeviceProcess, startDevice } from './device-process.ts';
import { hybridFixture, runPacedUntil, twinSmallRaw } from './hybrid-fixture.ts';
import { freePort } from './mosquitto.ts';

const MINUTE = 60_000;
/** Sim seconds per wall second: a trunk delivery (about 20 sim minutes) takes a few wall seconds. */
const SPEED = 600;

const fixture = hybridFixture();

/** The small twin fixture with 15 registered cars and no demand of its own: the test drives V12. */
function hybridScenario(adapter: Record<string, unknown>) {
  const raw = twinSmallRaw();
  raw.stores.preparationMinutes = 1;
  raw.fleet.couriers.ordinary.count = 0;
  raw.fleet.couriers.professional.count = 10;
  raw.fleet.vehicles = { count: 15, outsideAreaShare: 0, actuatorFailureRate: 0, garagesOffline: false };
  raw.adapters = { 'vehicle:V12': { kind: 'mqtt', url: fixture.broker().url, ...adapter } };
  return parseScenario(raw, 'hybrid');
}

interface Hybrid {
  world: World;
  device: DeviceProcess;
  /** Every command the world published to V12, as the broker delivered it. */
  commands: { id: string; action: string }[];
  monitor: MqttClient;
}

async function startHybrid(deviceFlags: string[], adapter: Record<string, unknown> = {}): Promise<Hybrid> {
  const scenario = hybridScenario(adapter);
  const monitor = await mqtt.connectAsync(fixture.broker().url);
  const commands: { id: string; action: string }[] = [];
  monitor.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));
  await monitor.subscribeAsync(topicOf('vehicle', 'V12', 'cmd'), { qos: 1 });
  const devices = await RealDevices.connect(scenario.adapters);
  const world = new World(scenario, fixture.city(), { devices });
  world.kernel.setSpeed(SPEED);
  const at = world.flows.vehicles.position('V12');
  const { lon, lat } = fixture.city().projection.toLonLat(at.x, at.y);
  const device = await startDevice([
    ...['--kind', 'vehicle', '--id', 'V12', '--broker', fixture.broker().url, '--telemetry-ms', '100'],
    ...['--lon', String(lon), '--lat', String(lat), ...deviceFlags],
  ]);
  return { world, device, commands, monitor };
}

/** Orders a delivery into V12's trunk from a store of the area the car stands in. */
function orderIntoV12(world: World): void {
  const v12 = world.flows.fleet.vehicles.find((v) => v.id === 'V12')!;
  const area = world.areas.find((a) => a.area.contains(v12.position.x, v12.position.y))!;
  const store = world.population.stores.find((s) => s.area === area.id)!;
  world.net.send('test', v12.ownerId!, {
    type: 'demand.trunk',
    storeId: store.id,
    items: [{ productId: 'bread', qty: 2 }],
    goodsCents: 1_500,
    dueBy: world.kernel.now + 60 * MINUTE,
  } as unknown as NetMessage);
}

const v12 = (world: World) => world.flows.vehicles.actor('V12')!.getSnapshot();
const trunkFlow = (world: World) => world.kpis().byFlow.trunk ?? { completed: 0 };

describe('hybrid run: vehicle V12 is a real device over MQTT (real Mosquitto, device-sim process)', () => {
  it('a trunk delivery opens and relatches the real trunk; duplicates act once; bad payloads are counted; a rental key never starts the engine', async () => {
    const { world, device, commands, monitor } = await startHybrid(['--duplicate-acks']);
    // bad payloads from the device side while the world runs: counted, never thrown
    const raw = await mqtt.connectAsync(fixture.broker().url);
    await raw.publishAsync(topicOf('vehicle', 'V12', 'telemetry'), '{not json', { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V12', 'telemetry'), '{"seq":"x","lon":7,"lat":43}', {
      qos: 1,
    });
    await raw.publishAsync(topicOf('vehicle', 'V12', 'ack'), '{"id":"nobody-1","ok":true}', { qos: 1 });

    // what V12 heard from its port and answered its presenters, in the world's own order
    const v12Log: string[] = [];
    world.log.onEntry((entry) => {
      if (entry.kind !== 'msg') return;
      const msg = entry.msg as { type: string; what?: string; action?: string; ok?: boolean };
      if (entry.to === 'V12' && msg.type === 'actuator.ack') v12Log.push(`ack ${msg.what} ${msg.ok}`);
      if (entry.from === 'V12' && msg.type === 'key.result') v12Log.push(`answer ${msg.action} ${msg.ok}`);
    });
    orderIntoV12(world);
    await runPacedUntil(world, () => trunkFlow(world).completed >= 1, 90 * MINUTE);

    expect(trunkFlow(world).completed).toBe(1);
    const openAnsweredAfterAck =
      v12Log.indexOf('answer trunk_open true') > v12Log.indexOf('ack trunk_open true') &&
      v12Log.indexOf('ack trunk_open true') >= 0;
    const actions = commands.map((c) => c.action);
    expect(actions).toContain('trunk_open');
    expect(actions.indexOf('trunk_close')).toBeGreaterThan(actions.indexOf('trunk_open'));
    // the courier heard "open" only after the device acked the trunk_open command
    expect(openAnsweredAfterAck).toBe(true);
    // the machine answered from the device's acks: trunk latched, no alarm
    expect(v12(world).value.trunk).toBe('closed');
    expect(v12(world).context.failedAttempts).toBe(0);
    const stats = world.devices!.stats();
    expect(stats.timeouts).toBe(0);
    expect(stats.duplicateAcks).toBeGreaterThanOrEqual(1);
    expect(stats.rejected).toMatchObject({
      'malformed JSON': 1,
      'bad telemetry': 1,
      'unknown command id': 1,
    });

    // a duplicate delivery of the trunk_open command: the device answers it but does not act again
    const open = commands.find((c) => c.action === 'trunk_open')!;
    await raw.publishAsync(topicOf('vehicle', 'V12', 'cmd'), JSON.stringify(open), { qos: 1 });
    await device.waitFor((l) => l.event === 'duplicate' && l.id === open.id);

    // the twin shows the real car where its telemetry puts it, marked as real
    const view = new WorldView(world);
    const drawn = view.actors().filter((a) => a.kind === 'vehicle');
    expect(drawn.find((a) => a.id === 'V12')?.variant).toBe('real');
    expect(drawn.filter((a) => a.variant === 'real').map((a) => a.id)).toEqual(['V12']);

    // a rental key (door only) asking for the engine: refused and audited in the car, never published
    const refusedBefore = Object.values(v12(world).context.audit.refused).reduce((a, b) => a + (b ?? 0), 0);
    const rentalKey = issueKey(world.flows.crypto, world.flows.issuer.privateKey, {
      keyId: 'R:test:V12',
      vehicleId: 'V12',
      holderId: 'U1',
      entitlements: ['door_unlock'],
      validFrom: 0,
      validUntil: 10 * 86_400,
      maxUses: null,
      revocationEpoch: 0,
      issuedAt: 0,
    });
    const present = (action: string) =>
      world.net.send('U1', 'V12', {
        type: 'key.present',
        requestId: `U1:${action}`,
        presenterId: 'U1',
        key: rentalKey,
        action,
      } as unknown as NetMessage);
    present('engine_start');
    present('door_unlock'); // the control: what the key allows does reach the device
    await runPacedUntil(world, () => commands.some((c) => c.action === 'door_unlock'), 10 * MINUTE);
    expect(commands.map((c) => c.action)).toContain('door_unlock');
    expect(commands.map((c) => c.action)).not.toContain('engine_start');
    const audit = v12(world).context.audit;
    expect(Object.values(audit.refused).reduce((a, b) => a + (b ?? 0), 0)).toBe(refusedBefore + 1);
    expect(v12(world).value.engine).toBe('off');

    // the doors relock on their own; the device ends locked with the trunk latched
    await runPacedUntil(world, () => v12(world).value.doors === 'locked', 10 * MINUTE);
    await world.close();
    const stopped = await device.stop();
    expect(stopped.acted).toMatchObject({ trunk_open: 1, trunk_close: 1, door_unlock: 1, lock: 1 });
    expect(stopped.vehicle).toMatchObject({ locked: true, trunkOpen: false, engineOn: false });
    await raw.endAsync();
    await monitor.endAsync();
  }, 60_000);

  it('a device that never answers: the car takes its timeout path, the courier hears no_answer, the goods go back', async () => {
    const { world, device, commands, monitor } = await startHybrid(['--silent'], {
      commandTimeoutMs: 300,
      retryMs: 100,
    });
    orderIntoV12(world);
    const ended = () => {
      const t = world.kpis().byFlow.trunk;
      return t !== undefined && t.created >= 1 && t.open === 0;
    };
    await runPacedUntil(world, () => ended() && v12(world).value.trunk === 'alarm', 120 * MINUTE);
    const stats = world.devices!.stats();
    expect(stats.acks).toBe(0);
    expect(stats.timeouts).toBeGreaterThanOrEqual(2);
    // the unanswered opening was never reported open: the courier was told, and never deposited
    const actions = commands.map((c) => c.action);
    expect(actions[0]).toBe('trunk_open');
    expect(actions).toContain('trunk_close');
    expect(world.flows.flowMetrics.byFlow().trunk.keyRefused).toEqual({ timeout: 1 });
    expect(world.kpis().byFlow.trunk).toMatchObject({ created: 1, completed: 0, open: 0 });
    // the car relatched to a known state; the unanswered latch raises its alarm and retries
    expect(v12(world).value.trunk).toBe('alarm');
    expect(v12(world).context.failedAttempts).toBeGreaterThanOrEqual(1);
    // retries of one command carry one id: the silent device still acted once per command
    const stopped = await device.stop();
    const ids = new Set(commands.map((c) => c.id));
    expect(Object.values(stopped.acted as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(ids.size);
    await world.close();
    await monitor.endAsync();
  }, 60_000);
});

describe('scenario adapters and the CLI', () => {
  function withAdapters(adapters: unknown) {
    const raw = JSON.parse(readFileSync('test/twin/fixtures/twin-small.json', 'utf8'));
    raw.city.osm = resolve('data/monaco.osm.pbf');
    raw.fleet.vehicles = { count: 15 };
    raw.adapters = adapters;
    return raw;
  }

  it('bad adapter entries name the field and what was expected', () => {
    const problems = (adapters: unknown) => {
      try {
        parseScenario(withAdapters(adapters), 's');
        return [];
      } catch (err) {
        return (err as ScenarioError).problems;
      }
    };
    expect(problems({ 'vehicle:V12': { kind: 'mqtt', url: 'http://x' } })).toEqual([
      'adapters.vehicle:V12.url: expected a broker URL like mqtt://127.0.0.1:1883, got "http://x"',
    ]);
    expect(problems({ 'vehicle:V12': { kind: 'mqtt', url: 'mqtt://h:1883', pasword: 'x' } })[0]).toMatch(
      /adapters\.vehicle:V12: expected no field "pasword"/,
    );
    expect(problems({ 'vehicle:V99': { kind: 'mqtt', url: 'mqtt://h:1883' } })).toEqual([
      'adapters["vehicle:V99"]: expected a vehicle id from V1 to V15, got "V99"',
    ]);
    expect(problems({ 'customer:U1': { kind: 'mqtt', url: 'mqtt://h:1883' } })[0]).toMatch(
      /adapters\["customer:U1"\]\.kind: expected "mqtt" only for vehicle, gateway or robot/,
    );
    expect(problems({ 'vehicle:V12': { kind: 'mqtt', url: 'mqtt://h:1883', username: 'u' } })).toEqual([]);
  });

  it('citytwin run with an unreachable broker: a clear error naming the URL, exit 1, no stack', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const dir = mkdtempSync(join(tmpdir(), 'citytwin-hybrid-'));
    const path = join(dir, 'hybrid.json');
    writeFileSync(
      path,
      JSON.stringify(withAdapters({ 'vehicle:V12': { kind: 'mqtt', url, connectTimeoutMs: 1000 } })),
    );
    const out = spawnSync(process.execPath, ['bin/citytwin.js', 'run', path, '--until', '1m'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`adapters["vehicle:V12"].url: cannot reach the MQTT broker at ${url}`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
