import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { z } from 'zod';
import {
  commandSchema,
  type DeviceEvent,
  type DeviceKind,
  deviceEventSchema,
  topicOf,
} from '../../adapters/mqtt/topic-schema.ts';
import { UserError } from '../cli/user-error.ts';
import { applyCommand, initialDeviceState } from './device-state.ts';

export interface DeviceSimOptions {
  kind: DeviceKind;
  id: string;
  broker: string;
  lon: number;
  lat: number;
  telemetryMs: number;
  ackDelayMs: number;
  /** Never answer commands: the machine must take its timeout path. */
  silent: boolean;
  /** Publish every ack twice, as a flaky device would. */
  duplicateAcks: boolean;
  username?: string;
  password?: string;
  /** Sensor events to publish, from a JSONL file of `{"afterMs": n, "event": {...}}`. */
  script?: string;
  /** Exit after this many ms (demos and tests); default: run until SIGINT/SIGTERM. */
  forMs?: number;
}

const scriptLine = z.object({ afterMs: z.number().min(0), event: deviceEventSchema }).strict();
type ScriptLine = { afterMs: number; event: DeviceEvent };

/** One line of a script, or why it is not one (`where` names the file and line). */
function parseScriptLine(line: string, where: string): ScriptLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new UserError(`${where}: expected a JSON object, got "${line.slice(0, 40)}"`);
  }
  const parsed = scriptLine.safeParse(json);
  if (!parsed.success)
    throw new UserError(
      `${where}: expected {"afterMs": number, "event": {type: …}}, got ${line.slice(0, 60)}`,
    );
  return parsed.data;
}

function readScript(path: string): ScriptLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--script: expected a readable JSONL file, got ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => parseScriptLine(line, `${path}:${n}`));
}

/** One JSON line per thing the device did, so a test or an operator can follow it. */
function say(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/**
 * A stand-in device speaking the documented MQTT schema: acts on commands once per id, acks them,
 * publishes telemetry and scripted sensor events, and announces itself online/offline (retained,
 * with a last will). A real device replaces it without any change on the world's side.
 */
export async function runDeviceSim(o: DeviceSimOptions): Promise<void> {
  const live = o.script === '-';
  const script = o.script && !live ? readScript(o.script) : [];
  const state = initialDeviceState(o.kind);
  const status = topicOf(o.kind, o.id, 'status');
  const client = mqtt.connect(o.broker, {
    clientId: `device-${o.kind}-${o.id}`,
    username: o.username,
    password: o.password,
    connectTimeout: 5_000,
    reconnectPeriod: 1_000,
    will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UserError(`cannot reach the MQTT broker at ${o.broker}: no answer within 5000 ms`)),
      5_000,
    );
    client.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    client.once('error', (err) => {
      clearTimeout(timer);
      reject(new UserError(`cannot reach the MQTT broker at ${o.broker}: ${err.message}`));
    });
  }).catch((err) => {
    client.end(true);
    throw err;
  });

  const ackTopic = topicOf(o.kind, o.id, 'ack');
  const at = { lon: o.lon, lat: o.lat };
  client.on('message', (_topic, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return say({ event: 'rejected', reason: 'malformed JSON' });
    }
    const command = commandSchema.safeParse(json);
    if (!command.success) return say({ event: 'rejected', reason: 'bad command' });
    const { ack, duplicate } = applyCommand(state, command.data);
    // a robot sent somewhere is there at once, as far as its telemetry goes
    const to = command.data.params;
    if (!duplicate && ack.ok && command.data.action === 'goto' && to) {
      if (typeof to.lon === 'number' && typeof to.lat === 'number') [at.lon, at.lat] = [to.lon, to.lat];
    }
    say(
      duplicate
        ? { event: 'duplicate', id: ack.id }
        : {
            event: ack.ok ? 'acted' : 'refused',
            id: ack.id,
            action: command.data.action,
            reason: ack.reason,
          },
    );
    if (o.silent) return;
    const send = () => {
      client.publish(ackTopic, JSON.stringify(ack), { qos: 1 });
      if (o.duplicateAcks) client.publish(ackTopic, JSON.stringify(ack), { qos: 1 });
    };
    if (o.ackDelayMs > 0) setTimeout(send, o.ackDelayMs);
    else send();
  });
  await client.subscribeAsync(topicOf(o.kind, o.id, 'cmd'), { qos: 1 });
  await client.publishAsync(status, '{"online":true}', { qos: 1, retain: true });

  let seq = 0;
  const telemetryTopic = topicOf(o.kind, o.id, 'telemetry');
  const publishTelemetry = () =>
    client.publish(
      telemetryTopic,
      JSON.stringify({
        seq: seq++,
        lon: at.lon,
        lat: at.lat,
        ...(o.kind === 'vehicle' ? { parked: !state.vehicle.engineOn, state: state.vehicle } : {}),
      }),
      { qos: 0 },
    );
  publishTelemetry();
  const telemetry = setInterval(publishTelemetry, o.telemetryMs);
  const publishEvent = (event: DeviceEvent) => {
    // a scanner told to stop (its store closed) hears nothing
    if (o.kind === 'gateway' && !state.scanning)
      return say({ event: 'ignored', type: event.type, reason: 'not scanning' });
    client.publish(topicOf(o.kind, o.id, 'event'), JSON.stringify(event), { qos: 1 }, () =>
      say({ event: 'published', type: event.type }),
    );
  };
  const scripted = script.map(({ afterMs, event }) => setTimeout(() => publishEvent(event), afterMs));
  // `--script -`: what the sensors sense arrives on stdin as it happens (an operator, a test's relay)
  const lines = live ? createInterface({ input: process.stdin }) : undefined;
  let n = 0;
  lines?.on('line', (line) => {
    n++;
    if (line.trim() === '') return;
    try {
      const { afterMs, event } = parseScriptLine(line.trim(), `stdin:${n}`);
      scripted.push(setTimeout(() => publishEvent(event), afterMs));
    } catch (err) {
      say({ event: 'rejected', reason: (err as Error).message });
    }
  });
  say({ event: 'ready', kind: o.kind, id: o.id, broker: o.broker });

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (o.forMs !== undefined) setTimeout(stop, o.forMs);
  });
  lines?.close();
  clearInterval(telemetry);
  for (const t of scripted) clearTimeout(t);
  await client.publishAsync(status, '{"online":false}', { qos: 1, retain: true });
  await client.endAsync();
  say({ event: 'stopped', acted: state.acted, vehicle: o.kind === 'vehicle' ? state.vehicle : undefined });
}
