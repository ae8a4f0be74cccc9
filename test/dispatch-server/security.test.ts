import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import {
  type Ack,
  type CommandAck,
  inboundTypesFor,
  type OutboundMessage,
  type Role,
} from '../../adapters/socketio/wire-protocol.ts';
import { issueKey } from '../../machines/digital-key.ts';
import { flowRegistry } from '../../sim/dispatch-server/flow-registry.ts';
import { DEFAULT_SCENARIO } from '../../sim/dispatch-server/server-command.ts';
import { scenarioCity } from '../../sim/load/scenario-city.ts';
import { loadScenario } from '../../sim/scenario/load-scenario.ts';
import {
  client,
  eventually,
  SECRET,
  type ServerProcess,
  scratchDir,
  startServer,
  stateOf,
  token,
} from './server-process.ts';

const CASINO = { x: -50, y: 200 };
const NEARBY = { x: 30, y: 260 };
const FAR_WEST = { x: -2500, y: -1800 };
const HOME = { x: 890, y: 830 };

let server: ServerProcess;
const scratch = scratchDir();
const open: DispatchClient[] = [];

async function connect(id: string, role: Role): Promise<DispatchClient> {
  const c = await client(server.url, id, role);
  open.push(c);
  return c;
}

/** Collects every event of the given types a client receives. */
function inbox(c: DispatchClient, types: readonly string[]): OutboundMessage[] {
  const got: OutboundMessage[] = [];
  for (const type of types)
    c.socket.on(type as 'errand.offer', (m) => got.push(m as unknown as OutboundMessage));
  return got;
}

function acked(outcome: Awaited<ReturnType<DispatchClient['command']>>): Ack {
  if (outcome.kind !== 'ack') throw new Error(`no ack for ${outcome.cid}`);
  return outcome.ack;
}

function okCommand(outcome: Awaited<ReturnType<DispatchClient['command']>>): CommandAck {
  const ack = acked(outcome);
  if (!ack.ok || !('seq' in ack)) throw new Error(`expected a command ack, got ${JSON.stringify(ack)}`);
  return ack;
}

function refusal(connect: Promise<void>): Promise<string> {
  return connect.then(
    () => 'connected',
    (err: Error) => err.message,
  );
}

async function online(c: DispatchClient, position: { x: number; y: number }): Promise<void> {
  okCommand(
    await c.command('courier.online', {
      courierType: 'professional',
      mode: 'bike',
      categories: ['deliver'],
      position,
    }),
  );
}

function request(requestId: string, extra: Record<string, unknown> = {}) {
  return {
    request: {
      requestId,
      category: 'deliver' as const,
      description: 'a parcel',
      recipient: 'Ana',
      phone: '+377-6-0000001',
      pickup: CASINO,
      dropoff: HOME,
      feeMode: 'ordinary' as const,
      offeredFee: 700,
      dueBy: Date.now() + 3_600_000,
      ...extra,
    },
  };
}

beforeAll(async () => {
  server = await startServer(`${scratch.dir}/security.sqlite`, 0, ['--rate-limit', '100', '--burst', '200']);
});

afterAll(async () => {
  for (const c of open) c.close();
  server?.child.kill('SIGKILL');
  await server?.exited;
  scratch.remove();
});

describe('dispatch server security', () => {
  it('refuses forged, foreign, expired and misplaced tokens', async () => {
    const url = server.url;
    const attempt = (t: string, role: Role) =>
      refusal(new DispatchClient({ url, role, token: t, cidPrefix: 'x', retryWindowMs: 1000 }).connect());
    const good = token('CP-x', 'courier');
    const parts = good.split('.');
    const tampered = `${parts[0]}.${Buffer.from(JSON.stringify({ sub: 'CP-a', role: 'courier', iat: 1, exp: 4e9 })).toString('base64url')}.${parts[2]}`;
    expect(await attempt(tampered, 'courier')).toBe('unauthorised: bad signature');
    expect(
      await attempt(
        mintToken('some-other-secret', { sub: 'CP-x', role: 'courier', ttlSeconds: 60 }, Date.now()),
        'courier',
      ),
    ).toBe('unauthorised: bad signature');
    expect(
      await attempt(
        mintToken(SECRET, { sub: 'CP-x', role: 'courier', ttlSeconds: 60 }, Date.now() - 3_600_000),
        'courier',
      ),
    ).toBe('unauthorised: expired');
    expect(await attempt(good, 'customer')).toBe('unauthorised: token is for role courier, not customer');
    expect(await attempt('not-a-token', 'courier')).toBe('unauthorised: malformed token');
  });

  it('relays a key to a car only when dispatch signed it for the presenter and that car', async () => {
    const scenario = loadScenario(DEFAULT_SCENARIO);
    const registry = flowRegistry(scenario, await scenarioCity(DEFAULT_SCENARIO, scenario));
    const now = Math.floor(Date.now() / 1000);
    const keyFor = (holderId: string, vehicleId: string) =>
      issueKey(registry.input.keys.crypto, registry.input.keys.privateKey, {
        keyId: `T0:${holderId}`,
        vehicleId,
        holderId,
        entitlements: ['trunk_open'],
        validFrom: now,
        validUntil: now + 600,
        maxUses: 1,
        revocationEpoch: 0,
        issuedAt: now,
      });
    const car = await connect('V1', 'vehicle');
    const other = await connect('V2', 'vehicle');
    const heard = inbox(car, ['key.present']);
    const heardByOther = inbox(other, ['key.present']);
    const courier = await connect('CP-key', 'courier');
    const present = (key: ReturnType<typeof keyFor>, vehicleId: string, n: number) =>
      courier.raw('vehicle.key', {
        cid: `k-${n}`,
        vehicleId,
        requestId: `open-${n}`,
        action: 'trunk_open',
        key,
      });
    // another courier's key (really signed by dispatch), a forged one, one for another car, the wrong action
    expect(await present(keyFor('CP-other', 'V1'), 'V1', 1)).toMatchObject({ ok: false, error: 'forbidden' });
    const forged = { ...keyFor('CP-key', 'V1'), signature: new Uint8Array(64) };
    expect(await present(forged, 'V1', 2)).toMatchObject({
      ok: false,
      error: 'forbidden',
      message: /not signed/,
    });
    expect(await present(keyFor('CP-key', 'V1'), 'V2', 3)).toMatchObject({ ok: false, error: 'forbidden' });
    expect(
      await courier.raw('vehicle.key', {
        cid: 'k-4',
        vehicleId: 'V1',
        requestId: 'open-4',
        action: 'engine_start',
        key: keyFor('CP-key', 'V1'),
      }),
    ).toMatchObject({ ok: false, error: 'forbidden', message: /does not entitle/ });
    // its own key for this car: relayed to the car, and the car's answer comes back to it only
    const answers = inbox(courier, ['key.result']);
    expect(
      acked(
        await courier.command('vehicle.key', {
          vehicleId: 'V1',
          requestId: 'open-5',
          action: 'trunk_open',
          key: keyFor('CP-key', 'V1') as never,
        }),
      ),
    ).toMatchObject({ ok: true });
    await eventually(() => heard.length === 1, 5000, 'the car to be asked');
    expect(heard[0]).toMatchObject({ requestId: 'open-5', holderId: 'CP-key', action: 'trunk_open' });
    expect(heardByOther).toEqual([]);
    expect(
      acked(await car.command('key.result', { requestId: 'open-5', action: 'trunk_open', ok: true })),
    ).toMatchObject({ ok: true });
    await eventually(() => answers.length === 1, 5000, 'the answer to reach the courier');
    // a vehicle token cannot act as another vehicle
    const spoof = await other.raw('vehicle.telemetry', {
      cid: 's-1',
      vehicleId: 'V1',
      position: HOME,
      parked: true,
      parkingSpaceId: null,
      trunk: 'closed',
      revocationEpoch: 0,
    });
    expect(spoof).toMatchObject({ ok: false, error: 'forbidden', message: /vehicleId is "V1"/ });
    expect(
      await other.raw('key.result', {
        cid: 's-2',
        vehicleId: 'V1',
        requestId: 'open-5',
        action: 'trunk_open',
        ok: true,
      }),
    ).toMatchObject({ ok: false, error: 'forbidden' });
  });

  it('gives every role its namespace and lets it send only its own message types', async () => {
    for (const role of ['store', 'vehicle', 'robot', 'beacon-gateway'] as const) {
      const c = await connect(`${role}-1`, role);
      expect(acked(await c.query('session.hello', {}))).toMatchObject({
        ok: true,
        result: { principal: `${role}-1`, role, accepts: inboundTypesFor(role) },
      });
      expect(await c.raw('errand.publish', { cid: 'x-1', ...request('r-x') })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
    }
    const courier = await connect('CP-hello', 'courier');
    const hello = acked(await courier.query('session.hello', {}));
    expect(hello).toMatchObject({
      ok: true,
      result: { role: 'courier', limits: { ratePerSecond: 100, burst: 200 } },
    });
    // one principal id is one role: a customer token for a courier's id is refused
    const impostor = new DispatchClient({
      url: server.url,
      role: 'customer',
      token: token('CP-hello', 'customer'),
      cidPrefix: 'x',
    });
    expect(await refusal(impostor.connect())).toBe('unauthorised: principal CP-hello is a courier');
  });

  it('routes offers, results, status and chat only to the principals they concern', async () => {
    const a = await connect('CP-a', 'courier');
    const b = await connect('CP-b', 'courier');
    const far = await connect('CP-far', 'courier');
    const ua = await connect('U-a', 'customer');
    const ub = await connect('U-b', 'customer');
    const seen = {
      a: inbox(a, ['errand.offer', 'errand.acceptResult', 'chat.message']),
      b: inbox(b, ['errand.offer', 'errand.acceptResult', 'chat.message']),
      far: inbox(far, ['errand.offer']),
      ua: inbox(ua, ['errand.assigned', 'chat.message']),
      ub: inbox(ub, ['errand.published', 'errand.assigned', 'chat.message']),
    };
    await online(a, CASINO);
    await online(b, NEARBY);
    await online(far, FAR_WEST);

    const published = okCommand(await ua.command('errand.publish', request('r-1')));
    const reply = published.replies.find((r) => r.type === 'errand.published');
    expect(reply).toBeDefined();
    const orderId = String(reply?.orderId);
    await eventually(() => seen.a.length > 0 && seen.b.length > 0, 5000, 'offers to the nearby couriers');
    expect(seen.a[0]).toMatchObject({ type: 'errand.offer', listing: { orderId } });
    expect(seen.far).toEqual([]);

    // a courier cannot accept for another courier, and the refusal changes nothing
    const before = await stateOf(server.url);
    const asOther = acked(await b.command('errand.accept', { orderId, courierId: 'CP-a' }));
    expect(asOther).toMatchObject({ ok: false, error: 'forbidden' });
    expect((await stateOf(server.url)).seq).toBe(before.seq);

    const won = okCommand(await a.command('errand.accept', { orderId }));
    expect(won.replies).toContainEqual(expect.objectContaining({ type: 'errand.acceptResult', ok: true }));
    await eventually(() => seen.ua.some((m) => m.type === 'errand.assigned'), 5000, 'assignment notice');
    expect(seen.b.filter((m) => m.type === 'errand.acceptResult')).toEqual([]);
    expect(seen.ub).toEqual([]);

    // only the publisher and the assigned courier may read the order
    expect(acked(await ua.query('order.status', { orderId }))).toMatchObject({
      ok: true,
      result: { orderId, publisherId: 'U-a', courierId: 'CP-a', step: 'assigned', fee: 700 },
    });
    expect(acked(await a.query('order.status', { orderId }))).toMatchObject({ ok: true });
    expect(acked(await b.query('order.status', { orderId }))).toMatchObject({
      ok: false,
      error: 'not_found',
    });
    expect(acked(await ub.query('order.status', { orderId }))).toMatchObject({
      ok: false,
      error: 'not_found',
    });

    // chat reaches only the other party; an outsider can neither read nor write into it
    const courierMasked = String(seen.ua.find((m) => m.type === 'errand.assigned')?.courierMasked);
    okCommand(await ua.command('chat.send', { toMasked: courierMasked, text: 'gate code 1234' }));
    await eventually(() => seen.a.some((m) => m.type === 'chat.message'), 5000, 'chat to the courier');
    const intruder = okCommand(await ub.command('chat.send', { toMasked: courierMasked, text: 'hi' }));
    expect(intruder.replies).toEqual([
      expect.objectContaining({ type: 'chat.rejected', reason: 'not_a_party' }),
    ]);
    expect(
      acked(await ub.command('chat.send', { fromId: 'U-a', toMasked: courierMasked, text: 'hi' })),
    ).toMatchObject({
      ok: false,
      error: 'forbidden',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.a.filter((m) => m.type === 'chat.message')).toHaveLength(1);
    expect(seen.ub).toEqual([]);
    expect(seen.b.filter((m) => m.type === 'chat.message')).toEqual([]);
  });

  it('answers malformed, oversized, unknown and unauthorised messages with an error ack and changes nothing', async () => {
    const u = await connect('U-m', 'customer');
    const before = await stateOf(server.url, true);
    const raw = (type: string, body: unknown) => u.raw(type, body);
    const good = { cid: 'm-1', ...request('r-m') };
    const cases: [string, unknown, string][] = [
      ['errand.publish', { cid: 'm-2' }, 'malformed'],
      ['errand.publish', { ...good, cid: 'm-3', extra: true }, 'malformed'],
      [
        'errand.publish',
        { cid: 'm-4', request: { ...good.request, pickup: { x: 'east', y: 0 } } },
        'malformed',
      ],
      ['errand.publish', { request: good.request }, 'malformed'],
      ['errand.publish', 'publish please', 'malformed'],
      [
        'errand.publish',
        { cid: 'm-5', request: { ...good.request, description: 'x'.repeat(20_000) } },
        'oversized',
      ],
      ['ledger.hold', { cid: 'm-6', orderId: 'E1', payer: 'U-m', amount: 1 }, 'unknown_type'],
      ['errand.accept', { cid: 'm-7', orderId: 'E1' }, 'forbidden'],
      ['errand.publish', { cid: 'm-8', request: { ...good.request, publisherId: 'U-a' } }, 'forbidden'],
    ];
    for (const [type, body, kind] of cases) {
      const ack = await raw(type, body);
      expect(ack, `${type} ${JSON.stringify(body).slice(0, 80)}`).toMatchObject({ ok: false, error: kind });
    }
    const after = await stateOf(server.url, true);
    expect(after.seq).toBe(before.seq);
    expect(after.orders).toEqual(before.orders);
    expect(after.escrow).toEqual(before.escrow);
  });

  it('makes a retried command act once', async () => {
    const u = await connect('U-d', 'customer');
    const before = await stateOf(server.url);
    const first = okCommand(await u.command('errand.publish', request('r-dup'), 'dup-1'));
    const again = okCommand(await u.command('errand.publish', request('r-dup'), 'dup-1'));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    const after = await stateOf(server.url);
    expect(after.seq).toBe(before.seq + 1);
    expect(after.orders.steps.created).toBe((before.orders.steps.created ?? 0) + 1);
  });

  it('throttles a flood from one connection without hurting another', async () => {
    const flooder = await connect('CP-flood', 'courier');
    const calm = await connect('CP-calm', 'courier');
    await online(flooder, FAR_WEST);
    await online(calm, FAR_WEST);
    const flood = Array.from({ length: 600 }, (_, i) =>
      flooder.raw('courier.position', { cid: `f-${i}`, position: { x: i, y: 0 }, eta: null }),
    );
    const calmAcks: Ack[] = [];
    for (let i = 0; i < 20; i++) {
      calmAcks.push(acked(await calm.command('courier.position', { position: { x: i, y: 1 }, eta: null })));
      await new Promise((r) => setTimeout(r, 15));
    }
    const floodAcks = await Promise.all(flood);
    const limited = floodAcks.filter((a) => a !== 'timeout' && !a.ok && a.error === 'rate_limited').length;
    expect(limited).toBeGreaterThan(300);
    expect(floodAcks.filter((a) => a !== 'timeout' && a.ok).length).toBeGreaterThanOrEqual(200);
    expect(calmAcks.every((a) => a.ok)).toBe(true);
  });
});
