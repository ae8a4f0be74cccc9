import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ClockStatus,
  ControlReply,
  Hello,
  Inspection,
  Roster,
  ServerToClientEvents,
  TwinError,
} from '../../sim/twin/wire.ts';
import { decodeFrame, type PositionFrame } from '../../twin-ui/frame-decoder.ts';

/** A headless viewer: a real socket.io client that records what the twin server sends it. */
export class SocketViewer {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  hello: Hello | null = null;
  roster: Roster | null = null;
  clock: ClockStatus | null = null;
  rosters = 0;
  frames: PositionFrame[] = [];
  errors: TwinError[] = [];
  disconnected = false;

  constructor(url: string) {
    this.socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on('hello', (h) => {
      this.hello = h;
    });
    this.socket.on('roster', (r) => {
      this.roster = r;
      this.rosters++;
    });
    this.socket.on('clock', (c) => {
      this.clock = c;
    });
    this.socket.on('frame', (f) => {
      this.frames.push(decodeFrame(f as ArrayBuffer | Uint8Array));
      if (this.frames.length > 200) this.frames.shift();
    });
    this.socket.on('error', (e) => this.errors.push(e));
    this.socket.on('disconnect', () => {
      this.disconnected = true;
    });
  }

  /** Resolves when `done()` holds, polling every 20 ms. */
  async until(done: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > end) throw new Error(`viewer: ${what} not reached in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  control(message: unknown): Promise<ControlReply> {
    return new Promise((resolve) => this.socket.emit('control', message, resolve));
  }

  inspect(id: unknown): Promise<Inspection | null> {
    return new Promise((resolve) => this.socket.emit('inspect', id, resolve));
  }

  lastFrame(): PositionFrame | undefined {
    return this.frames[this.frames.length - 1];
  }

  close(): void {
    this.socket.close();
  }
}
