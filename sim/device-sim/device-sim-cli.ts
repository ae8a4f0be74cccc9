import { DEVICE_KINDS, type DeviceKind } from '../../adapters/mqtt/topic-schema.ts';
import { UserError } from '../cli/user-error.ts';
import { parseDuration } from '../world/time-of-day.ts';
import { runDeviceSim } from './device-sim-command.ts';

interface Flags {
  kind: string;
  id: string;
  broker: string;
  lon: string;
  lat: string;
  telemetryMs: string;
  ackDelayMs: string;
  silent?: boolean;
  duplicateAcks?: boolean;
  username?: string;
  password?: string;
  script?: string;
  for?: string;
}

function number(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UserError(`${flag}: expected a number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** `citytwin device-sim`: validates the flags into options, then runs the device until stopped. */
export async function deviceSimCommand(flags: Flags): Promise<void> {
  if (!(DEVICE_KINDS as readonly string[]).includes(flags.kind))
    throw new UserError(`--kind: expected one of ${DEVICE_KINDS.join(', ')}, got "${flags.kind}"`);
  if (!/^[\w.-]{1,64}$/.test(flags.id))
    throw new UserError(`--id: expected letters, digits, . _ -, got "${flags.id}"`);
  if (!/^mqtts?:\/\/|^wss?:\/\//.test(flags.broker))
    throw new UserError(`--broker: expected a URL like mqtt://127.0.0.1:1883, got "${flags.broker}"`);
  let forMs: number | undefined;
  if (flags.for !== undefined) {
    try {
      forMs = parseDuration(flags.for);
    } catch (err) {
      throw new UserError(`--for: ${(err as Error).message}`);
    }
  }
  await runDeviceSim({
    kind: flags.kind as DeviceKind,
    id: flags.id,
    broker: flags.broker,
    lon: number('--lon', flags.lon, -180, 180),
    lat: number('--lat', flags.lat, -90, 90),
    telemetryMs: number('--telemetry-ms', flags.telemetryMs, 50, 3_600_000),
    ackDelayMs: number('--ack-delay-ms', flags.ackDelayMs, 0, 3_600_000),
    silent: flags.silent === true,
    duplicateAcks: flags.duplicateAcks === true,
    username: flags.username,
    password: flags.password,
    script: flags.script,
    forMs,
  });
}
