/**
 * The bench town's ports: straight-line movement, the vehicle telemetry dispatch reads (placement
 * and latch checks), and the radio between beacons and the stores' curb scanners. Plain state over
 * the kernel; arrivals and sightings are the only events they make.
 */
import type { Placement, PlacementReason, Point } from '../../machines/protocol.ts';
import type { TelemetryParams } from '../../machines/vehicle.ts';
import type { Kernel, ScheduledTask } from '../kernel/kernel.ts';
import { inArea, SCANNER_RANGE_M, SPACES, STORES } from './bench-town.ts';

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Movement in straight lines at a constant speed; only arrivals are events. */
export class Movement {
  private readonly at = new Map<string, Point>();
  private readonly trips = new Map<string, ScheduledTask>();

  constructor(private readonly kernel: Kernel) {}

  place(id: string, p: Point): void {
    this.at.set(id, p);
  }

  /** Where `id` last stopped (or is heading, once it arrives). */
  position(id: string): Point {
    return this.at.get(id) ?? { x: 0, y: 0 };
  }

  travel(id: string, to: Point, speed: number, arrived: (at: Point) => void): void {
    this.stop(id);
    const ms = Math.max(1, Math.round((distance(this.position(id), to) / speed) * 1000));
    this.trips.set(
      id,
      this.kernel.after(ms, () => {
        this.trips.delete(id);
        this.at.set(id, to);
        arrived(to);
      }),
    );
  }

  stop(id: string): void {
    const trip = this.trips.get(id);
    if (trip) trip.cancelled = true;
    this.trips.delete(id);
  }
}

/**
 * What dispatch knows of each car: its last telemetry (sent only while the car has a link), from
 * which the vehicle port answers the placement check (parked, in a known space, inside the area)
 * and the latch check.
 */
export class Telemetry {
  private readonly last = new Map<string, TelemetryParams>();

  knows(vehicleId: string): boolean {
    return this.last.has(vehicleId);
  }

  record(t: TelemetryParams): void {
    this.last.set(t.vehicleId, t);
  }

  placement(vehicleId: string, areaId: string): Placement {
    const t = this.last.get(vehicleId);
    let reason: PlacementReason = 'ok';
    if (!t) reason = 'unknown_vehicle';
    else if (!t.parked) reason = 'not_parked';
    else if (t.parkingSpaceId === null || !SPACES.some((s) => s.id === t.parkingSpaceId))
      reason = 'not_in_space';
    else if (areaId !== '*' && !inArea(t.position)) reason = 'outside_area';
    return {
      vehicleId,
      ok: reason === 'ok',
      reason,
      position: t ? t.position : null,
      parkingSpaceId: t?.parkingSpaceId ?? null,
      epoch: t?.revocationEpoch ?? 0,
    };
  }

  trunk(vehicleId: string): TelemetryParams['trunk'] {
    return this.last.get(vehicleId)?.trunk ?? 'open';
  }
}

/**
 * The radio: which id each beacon has on air, which car stands at which store's curb, and every id
 * ever heard (what an attacker with a receiver has recorded and can play back).
 */
export class Radio {
  private readonly onAir = new Map<string, string>();
  private readonly curbOf = new Map<string, string>();
  /** Every id that went on air, in order, and the beacon that sent it. */
  readonly recorded: string[] = [];
  private readonly senderOf = new Map<string, string>();

  constructor(
    private readonly beaconOfCar: ReadonlyMap<string, string>,
    /** A store's scanner heard an id (the bench injects `scanner.heard`). */
    private readonly heard: (storeId: string, eid: string) => void,
    private readonly onAired: (eid: string) => void,
  ) {}

  /** The beacon put an id on air, or went off air (`null`). */
  advertised(beaconId: string, vehicleId: string, eid: string | null): void {
    if (eid === null) {
      this.onAir.delete(beaconId);
      return;
    }
    this.onAir.set(beaconId, eid);
    if (!this.senderOf.has(eid)) this.recorded.push(eid);
    this.senderOf.set(eid, beaconId);
    this.onAired(eid);
    const store = this.curbOf.get(vehicleId);
    if (store) this.heard(store, eid);
  }

  /** A car stopped: if it is at a store's curb with its beacon on air, the scanner hears it. */
  carStopped(vehicleId: string, at: Point): void {
    const store = STORES.find((s) => distance(s.position, at) <= SCANNER_RANGE_M);
    if (!store) return;
    this.curbOf.set(vehicleId, store.id);
    const eid = this.onAir.get(this.beaconOfCar.get(vehicleId) ?? '');
    if (eid !== undefined) this.heard(store.id, eid);
  }

  /** The beacon that put `eid` on air, if any did. */
  beaconOf(eid: string): string | undefined {
    return this.senderOf.get(eid);
  }

  carLeft(vehicleId: string): void {
    this.curbOf.delete(vehicleId);
  }
}
