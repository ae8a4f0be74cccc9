import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { topicOf } from '../../adapters/mqtt/topic-schema.ts';
import type { RobotContext } from '../../machines/robot.ts';
import type { NetMessage } from '../../sim/kernel/net.ts';
import { parseScenario } from '../../sim/scenario/load-scenario.ts';
import { RealDevices } from '../../sim/world/real-devices.ts';
import { World } from '../../sim/world/world.ts';
import { type DeviceProcess, startDevice } from './device-process.ts';
import { hybridFixture, runPacedUntil, twinSmallRaw } from './hybrid-fixture.ts';

const MINUTE = 60_000;
/** Sim seconds per wall second: a preorder or a robot session takes a few wall seconds. */
const SPEED = 600;
const GATEWAY_STORE = 'S-casino';

const fixture = hybridFixture();

interface Hybrid {
  world: World;
  device: DeviceProcess;
  /** Every command the world published to the device, as the broker delivered it. */
  commands: { id: string; action: string; params?: Record<string, unknown> }[];
  monitor: MqttClient;
  /** Bad payloads published as if from the device. */
  raw: MqttClient;
}

/** A world with one actor on a real device (`kind:id`), and the stand-in device reading its senses from stdin. */
async function startHybrid(
  kind: 'gateway' | 'robot',
  id: string,
  shape: (raw: ReturnType<typeof twinSmallRaw>) => void,
  at: (world: World) => { x: number; y: number },
): Promise<Hybrid> {
  const raw = twinSmallRaw();
  shape(raw);
  raw.adapters = { [`${kind}:${id}`]: { kind: 'mqtt', url: fixture.broker().url } };
  const scenario = parseScenario(raw, 'hybrid-devices');
  const monitor = await mqtt.connectAsync(fixture.broker().url);
  const commands: Hybrid['commands'] = [];
  monitor.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));
  await monitor.subscribeAsync(topicOf(kind, id, 'cmd'), { qos: 1 });
  const devices = await RealDevices.connect(scenario.adapters);
  const world = new World(scenario, fixture.city(), { devices });
  world.kernel.setSpeed(SPEED);
  const p = at(world);
  const { lon, lat } = fixture.city().projection.toLonLat(p.x, p.y);
  const device = await startDevice([
    ...['--kind', kind, '--id', id, '--broker', fixture.broker().url, '--telemetry-ms', '200'],
    ...['--lon', String(lon), '--lat', String(lat), '--script', '-'],
  ]);
  return { world, device, commands, monitor, raw: await mqtt.connectAsync(fixture.broker().url) };
}

/** Messages of the world's log, as (from, to, message). */
function tapLog(world: World): { from: string; to: string; msg: { type: string; [k: string]: unknown } }[] {
  const seen: { from: string; to: string; msg: { type: string; [k: string]: unknown } }[] = [];
  world.log.onEntry((entry) => {
    if (entry.kind === 'msg') seen.push({ from: entry.from, to: entry.to, msg: entry.msg as never });
  });
  return seen;
}

async function stopAll(h: Hybrid): Promise<Record<string, unknown>> {
  const stopped = await h.device.stop();
  await h.world.close();
  await h.raw.endAsync();
  await h.monitor.endAsync();
  return stopped;
}

describe('hybrid run: a store curb gateway and a robot are real devices over MQTT (real Mosquitto)', () => {
  it("a real gateway's scans lead to the preorder handover; bad payloads from it are counted", async () => {
    const h = await startHybrid(
      'gateway',
      GATEWAY_STORE,
      (raw) => {
        raw.stores.preparationMinutes = 1;
        raw.fleet.couriers.ordinary.count = 0;
        raw.fleet.couriers.professional.count = 0;
        raw.fleet.vehicles = {
          count: 15,
          withBeacons: 15,
          outsideAreaShare: 0,
          actuatorFailureRate: 0,
          garagesOffline: false,
        };
      },
      (world) => world.population.stores.find((s) => s.id === GATEWAY_STORE)!.position,
    );
    const { world, device } = h;
    const log = tapLog(world);
    // the simulated beacon airs at the store's curb: the stand-in gateway hears it and reports it
    const relayed: string[] = [];
    world.flows.radio.airedAtRealGateway = (storeId, eid, rssi) => {
      expect(storeId).toBe(GATEWAY_STORE);
      relayed.push(eid);
      device.sense({ type: 'beacon.heard', ephemeralId: eid, rssi });
    };
    await h.raw.publishAsync(topicOf('gateway', GATEWAY_STORE, 'event'), '{not json', { qos: 1 });
    await h.raw.publishAsync(
      topicOf('gateway', GATEWAY_STORE, 'event'),
      '{"type":"beacon.heard","ephemeralId":"ZZ","rssi":"loud"}',
      { qos: 1 },
    );

    const car = world.flows.fleet.vehicles.find((v) => v.beaconId !== null && v.ownerId !== null)!;
    const store = world.population.stores.find((s) => s.id === GATEWAY_STORE)!;
    world.net.send('test', car.ownerId!, {
      type: 'demand.preorder',
      storeId: GATEWAY_STORE,
      curb: store.position,
      items: [{ productId: 'bread', qty: 1 }],
      totalCents: 1_200,
      back: car.position,
      backSpaceId: world.flows.vehicles.spaceOf(car.id),
      waitMs: 30 * MINUTE,
    } as unknown as NetMessage);
    const handedOver = () => log.some((l) => l.msg.type === 'preorder.handedOver');
    await runPacedUntil(world, handedOver, 120 * MINUTE);

    expect(handedOver()).toBe(true);
    expect(relayed.length).toBeGreaterThanOrEqual(1);
    // the store heard the car only through the device: its scans came over MQTT, none from the sim radio
    const scans = log.filter((l) => l.to === GATEWAY_STORE && l.msg.type === 'scanner.heard');
    expect(scans.length).toBeGreaterThanOrEqual(1);
    expect(scans.map((l) => l.msg.eid)).toEqual(expect.arrayContaining([relayed[0]]));
    await device.waitFor((l) => l.event === 'published' && l.type === 'beacon.heard');
    // the store was open: the world told its scanner to scan (and it acted on it)
    await device.waitFor((l) => l.event === 'acted' && l.action === 'scan_start');
    expect(world.devices!.stats().rejected).toMatchObject({ 'malformed JSON': 1, 'bad event': 1 });
    expect(world.kpis().invariantViolations).toBe(0);
    await stopAll(h);
  }, 60_000);

  it('a real robot: goto and lid commands are acked, its identification and item sensor reach the cart; bad payloads are counted', async () => {
    const h = await startHybrid(
      'robot',
      'RB1',
      (raw) => {
        raw.fleet.robots = { count: 1, stopsPerRound: 2, dwellMinutes: 240, opens: '00:00', closes: '24:00' };
        raw.demand.robot = { perDay: 0 };
      },
      (world) => world.flows.robots.depot,
    );
    const { world, device } = h;
    const log = tapLog(world);
    const robot = () => world.snapshotOf('RB1') as { value: unknown; context: RobotContext };
    const dwelling = () => JSON.stringify(robot().value).includes('"dwelling":"open"');
    await runPacedUntil(world, dwelling, 120 * MINUTE);
    expect(dwelling()).toBe(true);

    const customer = world.population.customers[0]!;
    device.sense({ type: 'user.identified', memberCode: `M-${customer.id}` });
    await runPacedUntil(world, () => robot().context.user === customer.id, 10 * MINUTE);
    device.sense({ type: 'item.taken', productId: 'water' });
    const recorded = () =>
      robot().context.readings >= 1 && Object.keys(robot().context.unrecorded).length === 0;
    await runPacedUntil(world, recorded, 10 * MINUTE);
    expect(recorded()).toBe(true);
    // the take reached dispatch's cart desk as the identified user's, and was recorded
    expect(log.find((l) => l.from === 'RB1' && l.msg.type === 'cart.take')?.msg).toMatchObject({
      userId: customer.id,
      productId: 'water',
    });
    expect(log.some((l) => l.to === 'RB1' && l.msg.type === 'cart.recorded')).toBe(true);

    // bad payloads from the robot's side: counted, the world goes on
    await h.raw.publishAsync(topicOf('robot', 'RB1', 'event'), '{"type":"item.taken","productId":5}', {
      qos: 1,
    });
    await h.raw.publishAsync(topicOf('robot', 'RB1', 'telemetry'), '[1,2', { qos: 1 });
    // the session ends by its timeout: the lid closes
    await runPacedUntil(world, () => h.commands.some((c) => c.action === 'lid_close'), 30 * MINUTE);
    await runPacedUntil(world, () => robot().context.user === null, 5 * MINUTE);
    await runPacedUntil(world, () => world.devices!.stats().acks >= h.commands.length, 5 * MINUTE);

    const actions = h.commands.map((c) => c.action);
    expect(actions[0]).toBe('goto');
    expect(h.commands[0]!.params).toMatchObject({ lon: expect.any(Number), lat: expect.any(Number) });
    expect(actions.filter((a) => a.startsWith('lid'))).toEqual(['lid_open', 'lid_close']);
    const counters = world.flows.flowMetrics.byFlow().robot.device as Record<string, number>;
    expect(counters).toMatchObject({ lid_open_ok: 1, lid_close_ok: 1 });
    expect(counters.goto_ok).toBeGreaterThanOrEqual(1);
    expect(world.devices!.stats()).toMatchObject({ timeouts: 0 });
    expect(world.devices!.stats().rejected).toMatchObject({ 'bad event': 1, 'malformed JSON': 1 });
    const stopped = await stopAll(h);
    expect(stopped.acted).toMatchObject({ lid_open: 1, lid_close: 1 });
  }, 60_000);
});
