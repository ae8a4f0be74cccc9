import type { Placement, PlacementReason, Point } from '../../machines/protocol.ts';
import type { PlacedArea } from '../world/population.ts';

interface Telemetry {
  readonly position: Point;
  readonly parked: boolean;
  readonly parkingSpaceId: string | null;
  readonly trunk: 'closed' | 'open' | 'latching' | 'alarm';
  readonly revocationEpoch: number;
}

/**
 * The server's vehicle port: each car's last telemetry, fed from accepted `vehicle.telemetry`
 * commands in journal order (so a replay rebuilds it exactly), answering the placement and latch
 * checks the trunk and rental orders ask for, by the same rules as the simulated vehicle port.
 */
export class VehicleRegistry {
  private readonly last = new Map<string, Telemetry>();
  private readonly areaById: ReadonlyMap<string, PlacedArea>;

  constructor(
    areas: readonly PlacedArea[],
    private readonly spaceIds: ReadonlySet<string>,
  ) {
    this.areaById = new Map(areas.map((a) => [a.id, a]));
  }

  /** Takes note of a vehicle command that was just accepted. */
  observe(type: string, body: Record<string, unknown>): void {
    if (type !== 'vehicle.telemetry' || typeof body.vehicleId !== 'string') return;
    this.last.set(body.vehicleId, body as unknown as Telemetry);
  }

  /** Parked, in a parking space, inside the area (`'*'`: anywhere)? By the last telemetry. */
  placement(vehicleId: string, areaId: string): Placement {
    const t = this.last.get(vehicleId);
    const area = areaId === '*' ? null : this.areaById.get(areaId);
    let reason: PlacementReason = 'ok';
    if (!t || area === undefined) reason = 'unknown_vehicle';
    else if (!t.parked) reason = 'not_parked';
    else if (t.parkingSpaceId === null || !this.spaceIds.has(t.parkingSpaceId)) reason = 'not_in_space';
    else if (area !== null && !area.area.contains(t.position.x, t.position.y)) reason = 'outside_area';
    return {
      vehicleId,
      ok: reason === 'ok',
      reason,
      position: t?.position ?? null,
      parkingSpaceId: t?.parkingSpaceId ?? null,
      epoch: t?.revocationEpoch ?? 0,
    };
  }

  /** The trunk by the last telemetry; `unknown` for a car that never reported. */
  trunk(vehicleId: string): Telemetry['trunk'] | 'unknown' {
    return this.last.get(vehicleId)?.trunk ?? 'unknown';
  }

  get reporting(): number {
    return this.last.size;
  }
}
