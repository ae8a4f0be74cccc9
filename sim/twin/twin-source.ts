import type { Point } from '../../machines/protocol.ts';
import type { LogEntry } from '../kernel/event-log.ts';
import type { Kpis } from '../world/metrics.ts';
import type { OrderMark, ViewedActor } from '../world/world-view.ts';
import type { TimeResult } from './live-world.ts';

/**
 * What the twin's server, broadcaster and inspector read about a run at its current instant. Why an
 * interface: the same server shows a live world (`WorldView` over a running `World`) and a recorded
 * one (`ReplayView` over an event-log file), and neither should know which one it is showing.
 */
export interface TwinView {
  /** Sim time now (ms). */
  readonly now: number;
  /** The ids the run knows and their kinds (drawn or not); its log for state changes as they happen. */
  readonly world: {
    actorIds(): readonly { id: string; kind: string }[];
    readonly log: { onEntry(listener: (entry: LogEntry) => void): void };
  };
  actors(): ViewedActor[];
  locate(actor: ViewedActor, t?: number): Point | null;
  state(id: string): string;
  status(id: string): string;
  context(id: string): Record<string, unknown> | null;
  kindOf(id: string): string | null;
  exists(id: string): boolean;
  recent(id: string): readonly LogEntry[];
  remainingRoute(id: string, t?: number): Point[] | null;
  kpis(): Kpis;
  openOrders(t?: number): OrderMark[];
  eventLogHash(): string;
}

/** What a twin source tells its listener (the broadcaster). */
export interface TwinListener {
  /** A new view replaced the old one, or the run jumped (seek): roster and states start over. */
  rebuilt(view: TwinView): void;
  /** Called after every paced slice; sample positions now. */
  slice(view: TwinView): void;
  /** Speed, pause or seek status changed. */
  clockChanged(): void;
}

/** A run the twin server can show and control: the live world or a replayed event log. */
export interface TwinSource {
  readonly view: TwinView;
  readonly scenarioName: string;
  readonly currentSeed: number;
  readonly speed: number;
  readonly paused: boolean;
  readonly effectiveSpeed: number;
  readonly seeking: { target: number; at: number } | null;
  readonly failure: string | null;
  start(listener: TwinListener): Promise<void>;
  stop(): Promise<void>;
  setPaused(paused: boolean): void;
  setSpeed(speed: number): void;
  seek(target: number): Promise<TimeResult>;
  reload(seed?: number): Promise<TimeResult>;
}
