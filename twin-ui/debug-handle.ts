import type { ControlAction, ControlReply, Inspection } from '../sim/twin/wire.ts';
import type { TwinClient } from './twin-client.ts';
import type { TwinState } from './twin-state.ts';

/** What `window.citytwin` offers tests and anyone debugging in the console. */
export interface CitytwinHandle {
  readonly simTime: number;
  /** Position frames received so far. */
  readonly frame: number;
  /** Actors drawn per kind (variants summed). */
  readonly actors: Record<string, number>;
  /** Actors per drawn class (kind or kind:variant). */
  readonly classes: Record<string, number>;
  readonly selected: string | null;
  readonly inspection: Inspection | null;
  readonly clock: TwinState['clock'];
  readonly kpis: TwinState['kpis'];
  /** Waiting or late orders in the heatmap. */
  readonly heatPoints: number;
  /** Frames rendered by three.js so far. */
  readonly renders: number;
  /** City loaded, roster received and at least one position frame drawn. */
  readonly ready: boolean;
  readonly errors: TwinClient['errors'];
  /** Actor ids, optionally of one kind. */
  ids(kind?: string): string[];
  /** Selects an actor (as a click does) and resolves with its inspection. */
  select(id: string | null): Promise<Inspection | null>;
  follow(id: string | null): void;
  /** Where an actor is drawn on screen, in CSS pixels from the page's top-left, or null. */
  screenPosition(id: string): { x: number; y: number } | null;
  control(action: ControlAction): Promise<ControlReply>;
  rawControl(message: unknown): Promise<ControlReply>;
  /** Page-load milestones in ms since navigation: cityFetched, cityBuilt, firstRender, firstFrameDrawn. */
  readonly timings: Readonly<Record<string, number>>;
  /** Mean wall ms per rendered frame over the next `frames` animation frames. */
  measureFrames(frames: number): Promise<number>;
}

export interface HandleDeps {
  state: TwinState;
  client: TwinClient;
  renders: () => number;
  cityLoaded: () => boolean;
  timings: Record<string, number>;
  select: (id: string | null) => Promise<Inspection | null>;
  follow: (id: string | null) => void;
  screenPosition: (index: number) => { x: number; y: number } | null;
}

/** Installs `window.citytwin`; every property reads the live state, nothing is copied. */
export function installHandle(deps: HandleDeps): CitytwinHandle {
  const { state, client } = deps;
  const handle: CitytwinHandle = {
    get simTime() {
      return state.simTime;
    },
    get frame() {
      return state.frames;
    },
    get actors() {
      return state.countsByKind();
    },
    get classes() {
      return Object.fromEntries(state.roster.classes.map((c, k) => [c.key, state.members[k].length]));
    },
    get selected() {
      return state.selected;
    },
    get inspection() {
      return state.inspection;
    },
    get clock() {
      return state.clock;
    },
    get kpis() {
      return state.kpis;
    },
    get heatPoints() {
      return state.heat.length / 3;
    },
    get renders() {
      return deps.renders();
    },
    get ready() {
      return deps.cityLoaded() && state.roster.ids.length > 0 && state.frames > 0 && deps.renders() > 0;
    },
    errors: client.errors,
    timings: deps.timings,
    ids(kind) {
      return state.roster.ids.filter(
        (_, i) => kind === undefined || state.roster.classes[state.roster.classOf[i]].kind === kind,
      );
    },
    select: deps.select,
    follow: deps.follow,
    screenPosition(id) {
      const i = state.indexOf(id);
      return i < 0 ? null : deps.screenPosition(i);
    },
    control: (action) => client.control(action),
    rawControl: (message) => client.rawControl(message),
    measureFrames(frames) {
      return new Promise((resolve) => {
        let count = 0;
        let start = 0;
        const tick = (t: number) => {
          if (count === 0) start = t;
          if (count++ < frames) requestAnimationFrame(tick);
          else resolve((t - start) / frames);
        };
        requestAnimationFrame(tick);
      });
    },
  };
  (window as unknown as { citytwin: CitytwinHandle }).citytwin = handle;
  return handle;
}
