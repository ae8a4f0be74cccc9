import { createNodeCrypto, type NodeCrypto } from '../../adapters/sim/node-crypto.ts';
import type { KeyHandle } from '../../machines/crypto-port.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import type { City } from '../city/city.ts';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { RandomStreams } from '../kernel/random-streams.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ProvisionedBeacons } from '../world/beacon-radio.ts';
import type { Fleet } from '../world/fleet.ts';
import { Flows, type FlowsWorld } from '../world/flows.ts';
import { type PlacedArea, type PlacedStore, placePopulation } from '../world/population.ts';

/**
 * The provisioning data of the four flows beyond errands — stores and their coverage areas, the
 * cars with their owners, parking spaces and beacons (with secrets), and dispatch's key-signing
 * pair — derived from a scenario exactly as the simulated world derives it (same seed, same
 * streams, the world's own `Flows`), without building the world. The dispatch server serves from
 * it; the load driver plays the cars, beacons and owners it names, so both agree without a
 * registration protocol (in production this is the operator's fleet database).
 */
export interface FlowRegistry {
  readonly stores: readonly PlacedStore[];
  readonly areas: readonly PlacedArea[];
  readonly fleet: Fleet;
  readonly beacons: ProvisionedBeacons;
  readonly crypto: NodeCrypto;
  readonly issuerPublicKey: KeyHandle;
  /** Raw public key, hex, as `session.hello` reports it to cars. */
  readonly issuerPublicKeyHex: string;
  /** Ids of the city's parking spaces: a car reporting any other space is not in one. */
  readonly spaceIds: ReadonlySet<string>;
  /** Dispatch's input for the flows (with the signing key). */
  readonly input: FlowsInput;
}

export function flowRegistry(scenario: Scenario, city: City): FlowRegistry {
  const random = new RandomStreams(scenario.seed);
  const areas: PlacedArea[] = scenario.coverageAreas.map((a) => ({
    id: a.id,
    area: compileCoverageArea(a.geometry, city.projection),
  }));
  const population = placePopulation(scenario, city, areas, random);
  // Flows reads only these from its world at construction and in dispatchInput(); the hubs it marks
  // are for the simulated mobility, which the server does not run.
  const world = { scenario, random, areas, population, city, mobility: { markHubs: () => {} } };
  const flows = new Flows(world as unknown as FlowsWorld);
  const crypto = createNodeCrypto();
  return {
    stores: population.stores,
    areas,
    fleet: flows.fleet,
    beacons: flows.beacons,
    crypto,
    issuerPublicKey: flows.issuer.publicKey,
    issuerPublicKeyHex: Buffer.from(crypto.publicKeyBytes(flows.issuer.publicKey)).toString('hex'),
    spaceIds: new Set(city.parking.map((p) => p.id)),
    input: flows.dispatchInput(),
  };
}
