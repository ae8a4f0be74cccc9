import { z } from 'zod';

/**
 * The scenario's `adapters` map: which single actors run on a real device or a remote backend
 * instead of the simulation, e.g. `"vehicle:V12": {"kind": "mqtt", "url": "mqtt://127.0.0.1:1883"}`.
 * Secrets stay out of scenarios where possible: TLS material is named by file path.
 */
const mqttAdapter = z
  .object({
    kind: z.literal('mqtt'),
    url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s/]+/, 'expected a broker URL like mqtt://127.0.0.1:1883'),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** PEM files for TLS (mqtts:// or wss://): the broker's CA, and a client certificate and key. */
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().default(true),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
    /** Wall ms a command waits for the device's ack before the machine gets a `timeout` outcome. */
    commandTimeoutMs: z.number().int().min(50).max(600_000).default(5_000),
    /** Wall ms between re-publications of an unanswered command (same id: the device acts once). */
    retryMs: z.number().int().min(20).max(600_000).optional(),
  })
  .strict();

/**
 * The `dispatch` entry: the world's couriers and customers talk to a remote dispatch server over
 * socket.io (README § "Dispatch server wire protocol"). The token secret comes from `secretFile`
 * or `$CITYTWIN_DISPATCH_SECRET`, never from the scenario itself.
 */
const socketioAdapter = z
  .object({
    kind: z.literal('socketio'),
    url: z.string().regex(/^https?:\/\/[^\s/]+/, 'expected a server URL like http://127.0.0.1:7400'),
    /** A file holding the server's token secret (first line); default `$CITYTWIN_DISPATCH_SECRET`. */
    secretFile: z.string().min(1).optional(),
    /** Wall ms a command keeps being retried (same client id: the server acts once) before it is given up. */
    commandTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  })
  .strict();

export const adapterSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sim') }).strict(),
  mqttAdapter,
  socketioAdapter,
]);
export type MqttAdapterSpec = z.output<typeof mqttAdapter>;
export type SocketioAdapterSpec = z.output<typeof socketioAdapter>;
export type AdapterSpec = z.output<typeof adapterSchema>;

/**
 * `kind:id`: the actor kinds a scenario can switch (a beacon gateway is a store's curb scanner);
 * or `dispatch`, the one backend every courier and customer talks to.
 */
export const adapterKey = z
  .string()
  .regex(
    /^((vehicle|beacon|gateway|robot|courier|customer|store):[\w.-]+|dispatch)$/,
    'expected "kind:id" or "dispatch"',
  );

/** Which actor kinds each medium can drive; `gateway:S1` is the curb scanner of store S1. */
const MQTT_KINDS = new Set(['vehicle', 'gateway', 'robot']);

/** Cross-field rules of `adapters`: the medium suits the kind, and the actor exists in the scenario. */
export function adapterProblems(
  adapters: Readonly<Record<string, AdapterSpec>>,
  counts: { vehicles: number; robots: number; storeIds: readonly string[]; perAreaStores: boolean },
): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(adapters)) {
    const [kind, id] = key.split(':') as [string, string];
    const where = `adapters["${key}"]`;
    if (spec.kind === 'mqtt' && key !== 'dispatch' && !MQTT_KINDS.has(kind))
      out.push(`${where}.kind: expected "mqtt" only for vehicle, gateway or robot, got it for ${kind}`);
    if (spec.kind === 'socketio' && key !== 'dispatch')
      out.push(`${where}.kind: expected "socketio" only for the "dispatch" entry, got it for ${kind}`);
    if (key === 'dispatch' && spec.kind === 'mqtt')
      out.push(`${where}.kind: expected "socketio" or "sim" for dispatch, got "mqtt"`);
    if (spec.kind === 'mqtt' && spec.keyFile !== undefined && spec.certFile === undefined)
      out.push(`${where}.certFile: expected a client certificate with keyFile, got nothing`);
    if (kind === 'vehicle' && !inRange(id, 'V', counts.vehicles))
      out.push(`${where}: expected a vehicle id from V1 to V${counts.vehicles}, got "${id}"`);
    if (kind === 'robot' && !inRange(id, 'RB', counts.robots))
      out.push(`${where}: expected a robot id from RB1 to RB${counts.robots}, got "${id}"`);
    if (kind === 'gateway' && !counts.perAreaStores && !counts.storeIds.includes(id))
      out.push(`${where}: expected a store id (${counts.storeIds.join(', ')}), got "${id}"`);
  }
  return out;
}

function inRange(id: string, prefix: string, count: number): boolean {
  const n = Number(id.slice(prefix.length));
  return id.startsWith(prefix) && Number.isInteger(n) && n >= 1 && n <= count;
}
