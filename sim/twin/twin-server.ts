import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { WallClock } from '../kernel/kernel.ts';
import type { CityGeometry } from './city-geometry.ts';
import { checkControl, checkInspect } from './control-message.ts';
import { inspect } from './inspection.ts';
import type { TimeResult } from './live-world.ts';
import { TwinBroadcast, type TwinServer, type TwinSocket } from './twin-broadcast.ts';
import type { TwinSource } from './twin-source.ts';
import type { ViewerAssets } from './viewer-assets.ts';
import {
  CITY_GEOMETRY_PATH,
  type ControlAction,
  type ControlReply,
  type Hello,
  MAX_PACKET_BYTES,
  type TwinErrorCode,
} from './wire.ts';

export interface TwinServerOptions {
  /** The live world or a replayed event log. */
  readonly live: TwinSource;
  readonly city: () => CityGeometry;
  readonly hello: () => Hello;
  readonly token: string;
  readonly host: string;
  readonly port: number;
  readonly wall: WallClock;
  /** Serves the viewer; created with the HTTP server because vite's dev server needs it. */
  readonly assets: (server: HttpServer) => Promise<ViewerAssets>;
}

export interface RunningTwin {
  readonly url: string;
  readonly port: number;
  readonly io: TwinServer;
  readonly broadcast: TwinBroadcast;
  close(): Promise<void>;
}

function sendCity(req: IncomingMessage, res: ServerResponse, city: CityGeometry): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? city.gzip : city.bytes;
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': body.byteLength,
    'cache-control': 'no-cache',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
}

/**
 * The twin's HTTP and socket.io server. Viewing is open: anyone who can reach the port sees the
 * run. Control (pause, play, speed, seek, reload) needs the token printed at start. Every incoming
 * message is size-checked and validated before it touches the world, and every handler answers
 * with an `error` event instead of throwing, so a bad client can at worst lose its own connection.
 */
export async function startTwinServer(options: TwinServerOptions): Promise<RunningTwin> {
  const { live, token } = options;
  let assets: ViewerAssets | null = null;
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === CITY_GEOMETRY_PATH) {
      sendCity(req, res, options.city());
      return;
    }
    if (path === '/status') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ scenario: live.scenarioName, seed: live.currentSeed, ...broadcast.clock() }));
      return;
    }
    if (assets) assets.handle(req, res);
    else res.writeHead(503).end('starting');
  });
  assets = await options.assets(http);
  const io: TwinServer = new Server(http, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    serveClient: false,
    destroyUpgrade: assets.mode === 'built',
  });
  const broadcast = new TwinBroadcast(io, live, options.hello, options.wall);

  io.on('connection', (socket: TwinSocket) => {
    const refuse = (about: string, code: TwinErrorCode, message: string) =>
      socket.emit('error', { code, message, about });
    socket.on('control', (message, reply) => {
      const answer = (r: ControlReply) => {
        if (typeof reply === 'function') reply(r);
        if (!r.ok) refuse('control', r.code, r.error);
      };
      try {
        const checked = checkControl(message, token);
        if (!checked.ok) {
          answer({ ok: false, code: checked.code, error: checked.error });
          return;
        }
        void apply(live, checked.value).then(
          (r) => answer(r.ok ? r : { ok: false, code: 'failed', error: r.error }),
          (err: Error) => answer({ ok: false, code: 'failed', error: err.message }),
        );
      } catch (err) {
        answer({ ok: false, code: 'failed', error: (err as Error).message });
      }
    });
    socket.on('inspect', (id, reply) => {
      try {
        const checked = checkInspect(id);
        if (!checked.ok) {
          refuse('inspect', checked.code, checked.error);
          if (typeof reply === 'function') reply(null);
          return;
        }
        const result = inspect(live.view, checked.value, broadcast.actorOf(checked.value));
        if (!result) refuse('inspect', 'not_found', `inspect: no actor "${checked.value}"`);
        if (typeof reply === 'function') reply(result);
      } catch (err) {
        refuse('inspect', 'failed', (err as Error).message);
      }
    });
    broadcast.welcome(socket);
    io.emit('clock', broadcast.clock());
  });

  await live.start(broadcast);
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await live.stop();
    io.close();
    await assets.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  // A wildcard address is not one to browse to; loopback always reaches a local server.
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    io,
    broadcast,
    async close() {
      await live.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await assets?.close();
    },
  };
}

/** Applies a validated control action; pause, play and speed answer at once, seek and reload when done. */
async function apply(live: TwinSource, action: ControlAction): Promise<TimeResult> {
  switch (action.action) {
    case 'pause':
      live.setPaused(true);
      break;
    case 'play':
      live.setPaused(false);
      break;
    case 'speed':
      live.setSpeed(action.speed);
      break;
    case 'seek':
      return live.seek(action.time);
    case 'reload':
      return live.reload(action.seed);
  }
  return { ok: true, simTime: live.view.now, eventLogHash: live.view.eventLogHash() };
}
