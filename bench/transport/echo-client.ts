import { io, type Socket } from 'socket.io-client';
import { LatencyHistograms } from '../../sim/dispatch-server/latency-histograms.ts';
import { RandomStreams } from '../../sim/kernel/random-streams.ts';

/**
 * The driver side of the transport baseline: `couriers` socket.io connections, each emitting a
 * position of the load driver's shape `perSecond` times a second (phases spread by a seeded
 * random) and timing send to ack, for `seconds`. Prints one JSON object: acked/s, latency
 * percentiles, and this process's CPU seconds over the run.
 *
 * Usage: echo-client.ts URL COURIERS PER_SECOND SECONDS
 */
const [url, couriersArg, perSecondArg, secondsArg] = process.argv.slice(2);
const couriers = Number(couriersArg);
const perSecond = Number(perSecondArg);
const seconds = Number(secondsArg);
if (!url || !(couriers > 0) || !(perSecond > 0) || !(seconds > 0)) {
  process.stderr.write('usage: echo-client.ts URL COURIERS PER_SECOND SECONDS\n');
  process.exit(1);
}

const sockets: Socket[] = [];
for (let i = 0; i < couriers; i++)
  sockets.push(io(`${url}/courier`, { transports: ['websocket'], forceNew: true }));
await Promise.all(
  sockets.map((s) => new Promise<void>((resolve) => (s.connected ? resolve() : s.once('connect', resolve)))),
);

const random = new RandomStreams(1).stream('echo-phases');
const latency = new LatencyHistograms();
const timers: NodeJS.Timeout[] = [];
const interval = 1000 / perSecond;
const cpuBefore = process.cpuUsage();
const end = performance.now() + seconds * 1000;
let sent = 0;
sockets.forEach((socket, i) => {
  const emit = () => {
    if (performance.now() >= end) return;
    const at = performance.now();
    sent++;
    socket.emit(
      'courier.position',
      { cid: `c${i}-${sent}`, position: { x: 1234.5, y: 678.9 }, eta: null },
      () => latency.record('courier.position', performance.now() - at),
    );
  };
  timers.push(setTimeout(() => timers.push(setInterval(emit, interval)), random.float() * interval));
});
// the run, then a grace second for the last acks
await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 1000));
const cpu = process.cpuUsage(cpuBefore);
for (const t of timers) clearTimeout(t);
for (const s of sockets) s.disconnect();
const summary = latency.summary()['courier.position'];
process.stdout.write(
  `${JSON.stringify({
    sent,
    ackedPerS: Math.round((summary?.count ?? 0) / seconds),
    latencyMs: summary,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
process.exit(0);
