import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The transport alone: a socket.io server that acknowledges every message at once, with the ack
 * our dispatch server sends for a position and nothing else (no token check, validation, journal
 * or dispatch). The load bench runs it as the baseline of the position stream, so the cost of
 * socket.io over loopback on this machine is measured beside ours instead of guessed.
 *
 * Prints `listening on http://127.0.0.1:PORT`; `GET /cpu` answers the process's CPU seconds.
 */
const http = createServer((_req, res) => {
  const used = process.cpuUsage();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6 }));
});
const io = new Server(http, { transports: ['websocket'] });
let seq = 0;
io.of('/courier').on('connection', (socket) => {
  socket.join(socket.id);
  socket.onAny((_event: string, _body: unknown, ack: unknown) => {
    if (typeof ack === 'function') ack({ ok: true, seq: ++seq, duplicate: false, replies: [] });
  });
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
