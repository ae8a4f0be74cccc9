import { z } from 'zod';

/**
 * The MQTT contract between citytwin and real devices (documented in the README). Topics are
 * `citytwin/{kind}/{id}/{channel}`; payloads are JSON objects validated here on both sides, so a
 * device firmware and our adapter can never silently disagree.
 */
export const DEVICE_KINDS = ['vehicle', 'gateway', 'robot'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const CHANNELS = ['cmd', 'ack', 'telemetry', 'event', 'status'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TOPIC_ROOT = 'citytwin';
const ID = /^[\w.-]{1,64}$/;

export function topicOf(kind: DeviceKind, id: string, channel: Channel): string {
  if (!ID.test(id)) throw new RangeError(`device id must match ${ID}, got "${id}"`);
  return `${TOPIC_ROOT}/${kind}/${id}/${channel}`;
}

/** Splits an incoming topic; undefined for anything outside our schema (counted, never thrown). */
export function parseTopic(topic: string): { kind: DeviceKind; id: string; channel: Channel } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return undefined;
  const [, kind, id, channel] = parts;
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) return undefined;
  if (!(CHANNELS as readonly string[]).includes(channel) || !ID.test(id)) return undefined;
  return { kind: kind as DeviceKind, id, channel: channel as Channel };
}

export const VEHICLE_ACTIONS = [
  'lock',
  'unlock',
  'door_unlock',
  'trunk_open',
  'trunk_close',
  'engine_start',
  'engine_stop',
] as const;
export const ROBOT_ACTIONS = ['lid_open', 'lid_close', 'goto', 'dwell'] as const;
export const GATEWAY_ACTIONS = ['scan_start', 'scan_stop'] as const;
export const ACTIONS = { vehicle: VEHICLE_ACTIONS, robot: ROBOT_ACTIONS, gateway: GATEWAY_ACTIONS } as const;

/** world → device, QoS 1. `id` makes a retried or duplicated command act once. */
export const commandSchema = z
  .object({
    id: z.string().regex(ID),
    action: z.string().min(1).max(32),
    /** Digital key id the action is authorised by (vehicles), for the device's own audit. */
    keyId: z.string().max(128).optional(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();
export type DeviceCommand = z.infer<typeof commandSchema>;

const vehicleState = z
  .object({
    locked: z.boolean(),
    doorOpen: z.boolean(),
    trunkOpen: z.boolean(),
    engineOn: z.boolean(),
  })
  .strict();
export type VehicleDeviceState = z.infer<typeof vehicleState>;

/** device → world, QoS 1: the outcome of one command (`ok: false` with a reason when refused). */
export const ackSchema = z
  .object({
    id: z.string().regex(ID),
    ok: z.boolean(),
    reason: z.string().max(200).optional(),
    state: vehicleState.partial().optional(),
  })
  .strict();
export type DeviceAck = z.infer<typeof ackSchema>;

/** device → world, QoS 0 or 1: where the device is and what state it is in. */
export const telemetrySchema = z
  .object({
    seq: z.number().int().min(0),
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    parked: z.boolean().optional(),
    speedMps: z.number().min(0).max(100).optional(),
    state: vehicleState.partial().optional(),
    stock: z.number().int().min(0).optional(),
  })
  .strict();
export type DeviceTelemetry = z.infer<typeof telemetrySchema>;

/** device → world: what a sensor saw (a gateway hearing a beacon, a robot sensing an item). */
export const deviceEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('beacon.heard'),
      ephemeralId: z.string().regex(/^[0-9a-f]{8,64}$/),
      rssi: z.number(),
    })
    .strict(),
  z.object({ type: z.literal('user.identified'), memberCode: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('item.taken'), productId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('item.returned'), productId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('lid.changed'), open: z.boolean() }).strict(),
]);
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

/** Retained, and the device's MQTT last will: `offline` when its connection drops. */
export const statusSchema = z.object({ online: z.boolean() }).strict();
