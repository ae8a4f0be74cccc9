import { spawnSync } from 'node:child_process';
import mqtt from 'mqtt';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerUnreachableError, MqttDeviceLink } from '../../adapters/mqtt/device-link.ts';
import { topicOf } from '../../adapters/mqtt/topic-schema.ts';
import { startDevice } from './device-process.ts';
import { type Broker, freePort, startMosquitto } from './mosquitto.ts';

let broker: Broker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.stop();
});

describe('MQTT adapter against a real Mosquitto broker', () => {
  it('a command reaches the stand-in device, is acted on once and acked; telemetry flows back', async () => {
    const device = await startDevice([
      '--kind',
      'vehicle',
      '--id',
      'V12',
      '--broker',
      broker.url,
      '--telemetry-ms',
      '100',
    ]);
    const link = await MqttDeviceLink.connect({ url: broker.url });
    const streams = await link.attach('vehicle', 'V12');
    const telemetry = await firstValueFrom(streams.telemetry);
    expect(telemetry.lat).toBeCloseTo(43.7384, 4);
    const unlock = await link.command(
      'vehicle',
      'V12',
      { action: 'trunk_open', keyId: 'K1' },
      { timeoutMs: 3_000 },
    );
    expect(unlock).toMatchObject({ ok: true, state: { trunkOpen: true, locked: true } });
    const lock = await link.command('vehicle', 'V12', { action: 'lock' }, { timeoutMs: 3_000 });
    expect(lock).toMatchObject({ ok: true, state: { trunkOpen: false, locked: true } });
    const stopped = await device.stop();
    expect(stopped.acted).toEqual({ trunk_open: 1, lock: 1 });
    expect(stopped.vehicle).toMatchObject({ locked: true, trunkOpen: false });
    await link.close();
  });

  it('a device that never answers gives a timeout outcome after retries, never a hang', async () => {
    const device = await startDevice([
      '--kind',
      'vehicle',
      '--id',
      'V13',
      '--broker',
      broker.url,
      '--silent',
    ]);
    const link = await MqttDeviceLink.connect({ url: broker.url });
    await link.attach('vehicle', 'V13');
    const outcome = await link.command(
      'vehicle',
      'V13',
      { action: 'unlock' },
      { timeoutMs: 800, retryMs: 200 },
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toBe('timeout');
    expect(outcome.attempts).toBeGreaterThanOrEqual(3);
    expect(link.stats.timeouts).toBe(1);
    // Every retry carried the same command id, so the device acted once.
    const stopped = await device.stop();
    expect(stopped.acted).toEqual({ unlock: 1 });
    expect(device.lines.filter((l) => l.event === 'duplicate').length).toBe(outcome.attempts - 1);
    await link.close();
  });

  it('duplicate command deliveries and duplicate acks act once', async () => {
    const device = await startDevice([
      '--kind',
      'vehicle',
      '--id',
      'V14',
      '--broker',
      broker.url,
      '--duplicate-acks',
    ]);
    const raw = await mqtt.connectAsync(broker.url);
    const command = JSON.stringify({ id: 'dup-1', action: 'unlock' });
    await raw.publishAsync(topicOf('vehicle', 'V14', 'cmd'), command, { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V14', 'cmd'), command, { qos: 1 });
    await device.waitFor((l) => l.event === 'duplicate' && l.id === 'dup-1');
    const link = await MqttDeviceLink.connect({ url: broker.url });
    await link.attach('vehicle', 'V14');
    const outcome = await link.command('vehicle', 'V14', { action: 'lock' }, { timeoutMs: 3_000 });
    expect(outcome.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(link.stats.acks).toBe(1);
    expect(link.stats.duplicateAcks).toBeGreaterThanOrEqual(1);
    const stopped = await device.stop();
    expect(stopped.acted).toEqual({ unlock: 1, lock: 1 });
    await raw.endAsync();
    await link.close();
  });

  it('bad payloads from a device are rejected and counted, never thrown', async () => {
    const link = await MqttDeviceLink.connect({ url: broker.url });
    const streams = await link.attach('vehicle', 'V15');
    const received: unknown[] = [];
    streams.telemetry.subscribe((t) => received.push(t));
    const raw = await mqtt.connectAsync(broker.url);
    await raw.publishAsync(topicOf('vehicle', 'V15', 'telemetry'), '{not json', { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V15', 'telemetry'), '{"seq":"one","lon":7,"lat":43}', {
      qos: 1,
    });
    await raw.publishAsync(topicOf('vehicle', 'V15', 'ack'), '{"id":"nobody","ok":"yes"}', { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V15', 'ack'), '{"id":"nobody","ok":true}', { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V15', 'event'), '{"type":"item.taken"}', { qos: 1 });
    await raw.publishAsync(topicOf('vehicle', 'V15', 'telemetry'), '{"seq":2,"lon":7.42,"lat":43.73}', {
      qos: 1,
    });
    const deadline = Date.now() + 3_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual([{ seq: 2, lon: 7.42, lat: 43.73 }]);
    expect(link.stats.rejected).toEqual({
      'malformed JSON': 1,
      'bad telemetry': 1,
      'bad ack': 1,
      'unknown command id': 1,
      'bad event': 1,
    });
    await raw.endAsync();
    await link.close();
  });

  it('an unreachable broker is a clear error naming the URL (adapter and CLI, exit 1)', async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    await expect(MqttDeviceLink.connect({ url, connectTimeoutMs: 1_000 })).rejects.toThrow(
      BrokerUnreachableError,
    );
    await expect(MqttDeviceLink.connect({ url, connectTimeoutMs: 1_000 })).rejects.toThrow(url);
    const out = spawnSync(
      process.execPath,
      ['bin/citytwin.js', 'device-sim', '--kind', 'vehicle', '--id', 'V1', '--broker', url],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`cannot reach the MQTT broker at ${url}`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
