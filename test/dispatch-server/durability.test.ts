import { afterAll, describe, expect, it } from 'vitest';
import type { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import type { LoadReport } from '../../sim/load/load-report.ts';
import {
  checkAgainstJournal,
  client,
  eventually,
  readRecords,
  type ServerProcess,
  scratchDir,
  startLoad,
  startServer,
  stateOf,
} from './server-process.ts';

const scratch = scratchDir();
const running: ServerProcess[] = [];
const clients: DispatchClient[] = [];

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of running) s.child.kill('SIGKILL');
  await Promise.all(running.map((s) => s.exited));
  scratch.remove();
});

async function serve(db: string, port = 0): Promise<ServerProcess> {
  const s = await startServer(db, port);
  running.push(s);
  return s;
}

function request(requestId: string) {
  return {
    request: {
      requestId,
      category: 'parcel_pickup' as const,
      description: 'a parcel',
      recipient: 'Ana',
      phone: '',
      pickup: { x: -50, y: 200 },
      dropoff: { x: 890, y: 830 },
      feeMode: 'professional' as const,
      dueBy: Date.now() + 3_600_000,
    },
  };
}

describe('dispatch server durability (seed 11)', () => {
  it('loses no acknowledged command to kill -9, applies a retry once, and stops gracefully on SIGTERM', async () => {
    const db = `${scratch.dir}/durable.sqlite`;
    const record = `${scratch.dir}/durable.jsonl`;
    let server = await serve(db);
    const port = server.port;
    const url = server.url;

    const customer = await client(url, 'U-retry', 'customer');
    clients.push(customer);
    const first = await customer.command('errand.publish', request('before-crash'), 'retry-1');
    if (first.kind !== 'ack' || !first.ack.ok || !('seq' in first.ack)) throw new Error('publish failed');
    const firstAck = first.ack;

    const load = startLoad(url, [
      '--couriers',
      '20',
      '--customers',
      '40',
      '--rate',
      '12',
      '--duration',
      '7s',
      '--positions',
      '4',
      '--time-scale',
      '120',
      '--seed',
      '11',
      '--json',
      '--record',
      record,
      '--timeout',
      '1000',
      '--retry-window',
      '25s',
      '--drain',
      '10s',
    ]);
    await eventually(async () => (await stateOf(url)).seq > firstAck.seq + 150, 30_000, 'load under way');
    server.child.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    server = await serve(db, port);

    // the client reconnects by itself; the same cid is answered from the journal, not applied again
    const retried = await customer.command('errand.publish', request('before-crash'), 'retry-1');
    expect(retried).toMatchObject({ kind: 'ack', ack: { ...firstAck, duplicate: true } });

    const { code, stdout, stderr } = await load.done;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as LoadReport;
    expect(report.protocolErrors).toBe(0);
    expect(report.errors).toEqual({});
    expect(report.commands.acked).toBe(report.commands.sent);
    expect(report.commands.retried).toBeGreaterThan(0);

    const state = await stateOf(url, true);
    checkAgainstJournal(db, readRecords(record), state);
    expect(state.orders.list?.find((o) => o.publisherId === 'U-retry')).toBeDefined();
    expect(state.orders.list?.filter((o) => o.publisherId === 'U-retry')).toHaveLength(1);

    // SIGTERM: exits 0 after finishing its work; a restart finds exactly the same books
    const before = await stateOf(url, true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('dispatch-server: stopped');
    server = await serve(db, port);
    const after = await stateOf(url, true);
    expect({ ...after, serverTime: 0 }).toEqual({ ...before, serverTime: 0 });
  });
});
