import { io, type Socket } from 'socket.io-client';
import {
  CITY_GEOMETRY_PATH,
  type ClientToServerEvents,
  type ControlAction,
  type ControlReply,
  type Inspection,
  type ServerToClientEvents,
  type TwinError,
  WIRE_VERSION,
} from '../sim/twin/wire.ts';
import { type CityData, decodeCity } from './city-decoder.ts';
import { asArrayBuffer, decodeFrame } from './frame-decoder.ts';
import type { TwinState } from './twin-state.ts';

export type TwinSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The viewer's connection: feeds every server event into the TwinState and offers the two
 * requests a viewer makes (inspect an actor, send a control). The token, when the page was opened
 * with `?token=…`, is attached to every control message; without it the server refuses control.
 */
export class TwinClient {
  readonly socket: TwinSocket;
  readonly errors: TwinError[] = [];
  token: string | null;
  connected = false;
  private readonly errorListeners: ((e: TwinError) => void)[] = [];

  constructor(state: TwinState, token: string | null) {
    this.token = token;
    this.socket = io({ transports: ['websocket'] });
    const s = this.socket;
    s.on('connect', () => {
      this.connected = true;
    });
    s.on('disconnect', () => {
      this.connected = false;
    });
    s.on('hello', (hello) => {
      if (hello.version !== WIRE_VERSION) {
        this.report({
          code: 'invalid',
          about: 'hello',
          message: `server speaks wire v${hello.version}, viewer v${WIRE_VERSION}: reload the page`,
        });
      }
      // A reload that changed the city or its areas: the static geometry is stale, start over.
      const before = state.hello;
      if (before && JSON.stringify([before.bbox, before.areas]) !== JSON.stringify([hello.bbox, hello.areas]))
        location.reload();
      state.applyHello(hello);
    });
    s.on('roster', (roster) => state.applyRoster(roster));
    s.on('frame', (data) => {
      try {
        state.applyFrame(decodeFrame(data), performance.now());
      } catch (err) {
        this.report({ code: 'invalid', about: 'frame', message: (err as Error).message });
      }
    });
    s.on('states', (changes) => state.applyStates(changes));
    s.on('clock', (clock) => {
      if (clock.failure && clock.failure !== state.clock?.failure)
        this.report({ code: 'failed', about: 'run', message: clock.failure });
      state.applyClock(clock);
    });
    s.on('kpis', (kpis) => state.applyKpis(kpis));
    s.on('heat', (heat) => state.applyHeat(new Float32Array(asArrayBuffer(heat.points))));
    s.on('error', (error) => this.report(error));
  }

  onError(listener: (e: TwinError) => void): void {
    this.errorListeners.push(listener);
  }

  /** The static city geometry, fetched once over HTTP (gzip on the wire). */
  async fetchCity(): Promise<CityData> {
    const res = await fetch(CITY_GEOMETRY_PATH);
    if (!res.ok) throw new Error(`city geometry: HTTP ${res.status}`);
    return decodeCity(await res.arrayBuffer());
  }

  inspect(id: string): Promise<Inspection | null> {
    return new Promise((resolve) => this.socket.emit('inspect', id, (r) => resolve(r)));
  }

  /** Sends a control action with the page's token; resolves with the server's reply. */
  control(action: ControlAction): Promise<ControlReply> {
    return this.rawControl({ ...action, token: this.token ?? '' });
  }

  /** Sends any message as a control message (tests use it to check what the server refuses). */
  rawControl(message: unknown): Promise<ControlReply> {
    return new Promise((resolve) => this.socket.emit('control', message, (r) => resolve(r)));
  }

  private report(error: TwinError): void {
    this.errors.push(error);
    if (this.errors.length > 50) this.errors.shift();
    for (const l of this.errorListeners) l(error);
  }
}
