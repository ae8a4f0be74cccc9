import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_LIMITS } from '../../adapters/socketio/wire-protocol.ts';
import { checkCommand, DEFAULT_RUNS } from '../check/check-command.ts';
import { deviceSimCommand } from '../device-sim/device-sim-cli.ts';
import { dispatchServerCommand, dispatchTokenCommand } from '../dispatch-server/server-command.ts';
import { loadCommand } from '../load/load-command.ts';
import { registerMdrpCommands } from '../mdrp/mdrp-command.ts';
import { queueCheckCommand } from '../planner/queue-check-command.ts';
import { sweepCommand } from '../planner/sweep-command.ts';
import { loadScenario, ScenarioError } from '../scenario/load-scenario.ts';
import { serveCommand } from '../twin/serve-command.ts';
import { runCommand } from './run-command.ts';
import { UserError } from './user-error.ts';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

const program = new Command()
  .name('citytwin')
  .description('Actor-model simulation and 3D digital twin of last-mile commerce')
  .showHelpAfterError()
  .exitOverride();

program
  .command('validate')
  .description('check a scenario file and list every problem as path: expected …, got …')
  .argument('<scenario>', 'scenario JSON file')
  .action((path: string) => {
    const scenario = loadScenario(path);
    process.stdout.write(
      `${path}: valid — ${scenario.coverageAreas.length} coverage areas, ${scenario.stores.list.length} listed stores + ${scenario.stores.perArea} per area, ${scenario.fleet.couriers.professional.count + scenario.fleet.couriers.ordinary.count} couriers, ${scenario.fleet.customers} customers\n`,
    );
  });

program
  .command('run')
  .description('run a scenario as fast as possible and report KPIs and the event-log hash')
  .argument('<scenario>', 'scenario JSON file')
  .option('--seed <n>', 'random seed (default: the scenario seed)', integer)
  .option('--until <duration>', 'sim time to run, e.g. 2h, 90m, 1d', '24h')
  .option('--json', 'print one JSON object on stdout')
  .option('--log <file>', 'write the event log as JSONL')
  .option('--speed <x>', 'hybrid runs (a real device in adapters): sim seconds per wall second', '1')
  .action(runCommand);

program
  .command('serve')
  .description(
    'run a scenario paced in real time and serve the 3D twin (prints the viewer URL and control token)',
  )
  .argument('[scenario]', 'scenario JSON file', 'scenarios/monaco.json')
  .option('--seed <n>', 'random seed (default: the scenario seed)', integer)
  .option('--port <n>', 'HTTP port (0 = any free port)', integer, 8080)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--speed <x>', 'sim seconds per wall second, 1 to 10000', '1')
  .option('--start <time>', 'sim time to start showing, e.g. 08:00 or 8h (reached by a fast re-run)', '08:00')
  .option('--token <token>', 'control token (default: a random one, printed at start)')
  .option('--dev', "serve twin-ui/ through vite's dev server (hot reload) instead of the built bundle")
  .option(
    '--log <file>',
    "replay an event log (citytwin check or run --log) on the scenario's map instead of running it",
  )
  .action(serveCommand);

program
  .command('dispatch-server')
  .description('serve the dispatch machine over socket.io with signed tokens and a durable SQLite journal')
  .requiredOption('--port <n>', 'port for socket.io and HTTP (0 = any free port)')
  .requiredOption('--db <file>', 'SQLite journal; created if missing, replayed on start')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option(
    '--scenario <file>',
    'scenario giving fees, timings and the road graph (default: scenarios/monaco.json)',
  )
  .option('--routing <kind>', 'route quotes: road (the scenario city) or straight (line × 1.3)', 'road')
  .option('--secret-file <file>', 'token secret (else $CITYTWIN_DISPATCH_SECRET, else generated into --db)')
  .option(
    '--sync <mode>',
    'journal durability: normal (survives a crash) or full (also power loss)',
    'normal',
  )
  .option('--rate-limit <n>', 'messages per second per connection', String(DEFAULT_LIMITS.ratePerSecond))
  .option('--burst <n>', 'messages one connection may send at once', String(DEFAULT_LIMITS.burst))
  .option(
    '--max-message-bytes <n>',
    'largest inbound message (JSON bytes)',
    String(DEFAULT_LIMITS.maxMessageBytes),
  )
  .option('--max-queue <n>', 'messages waiting for a batch before new ones are refused', '20000')
  .option(
    '--max-wait <ms>',
    'refuse new messages when the queue would take longer than this to drain',
    '2000',
  )
  .option('--keep-orders <n>', 'finished orders kept for status queries and /state', '200000')
  .action(dispatchServerCommand);

program
  .command('dispatch-token')
  .description('print a signed token for one principal of a dispatch server')
  .requiredOption('--role <role>', 'customer, courier, store, vehicle, robot, beacon-gateway or admin')
  .requiredOption('--id <id>', 'the principal id, e.g. CP12 or U7')
  .option('--ttl <duration>', 'validity, e.g. 1h, 7d', '24h')
  .option('--db <file>', "the server's journal, when its secret was generated there")
  .option('--secret-file <file>', 'token secret (else $CITYTWIN_DISPATCH_SECRET)')
  .action(dispatchTokenCommand);

program
  .command('load')
  .description('load-test a dispatch server with simulated couriers and customers from a scenario')
  .requiredOption('--target <url>', 'server base URL, e.g. http://127.0.0.1:7400')
  .option('--scenario <file>', 'scenario placing the actors (default: scenarios/monaco.json)')
  .option('--couriers <n>', 'simulated couriers', '50')
  .option('--customers <n>', 'simulated customers', '200')
  .option('--rate <n>', 'orders published per second, all customers together', '10')
  .option('--duration <duration>', 'how long to generate load, e.g. 30s, 5m', '30s')
  .option('--seed <n>', 'random seed of the plan (default: the scenario seed)')
  .option('--json', 'print the report as one JSON object on stdout')
  .option('--positions <n>', 'position updates per second per courier', '1')
  .option('--time-scale <x>', 'scenario time runs this many times faster (trips, hand-overs, patience)', '60')
  .option('--cancel-share <p>', "share of orders cancelled after assignment (default: the scenario's)")
  .option('--flow-rate <r>', 'trunk, preorder and rental orders per second (default: a fifth of --rate)')
  .option('--secret-file <file>', "the server's token secret (else $CITYTWIN_DISPATCH_SECRET)")
  .option('--record <file>', 'write every acknowledged command as JSONL')
  .option('--connect-concurrency <n>', 'connections opened at once while ramping up', '50')
  .option('--timeout <ms>', 'wait for an ack this long before retrying under the same command id', '3000')
  .option('--retry-window <duration>', 'keep retrying a command this long (covers a server restart)', '30s')
  .option('--drain <duration>', 'after the run, wait this long for outstanding acks', '10s')
  .action(loadCommand);

program
  .command('sweep')
  .description(
    'vary scenario values × replications on worker threads; write results.json, results.csv, report.html',
  )
  .argument('<scenario>', 'scenario JSON file')
  .option(
    '--vary <path=values>',
    'a field and its values: a..b:step or v1,v2 (repeatable)',
    (v: string, all: string[]) => [...all, v],
    [],
  )
  .option(
    '--replications <n>',
    'runs per configuration; replication k uses seed + k in every one',
    integer,
    5,
  )
  .option('--until <duration>', 'sim time per run, e.g. 2h, 24h', '24h')
  .option('--parallel <n>', 'worker threads, or auto (one per core)', 'auto')
  .option('--out <dir>', 'output directory', 'reports/sweep')
  .option('--seed <n>', 'seed of replication 0 (default: the scenario seed)', integer)
  .option('--resume', 'finish an interrupted sweep in --out (same options)')
  .option('--force', 'start over in an --out that holds another sweep')
  .action(sweepCommand);

program
  .command('queue-check')
  .description('run the dispatch and courier machines as an M/M/c queue and compare the waits with Erlang-C')
  .option('--lambda <n>', 'arrivals: orders per hour')
  .option('--mu <n>', 'services per hour per courier')
  .option('--servers <c>', 'couriers')
  .option('--orders <n>', 'orders to simulate', '20000')
  .option('--seed <n>', 'random seed', '1')
  .option('--json', 'print one JSON object on stdout')
  .action(queueCheckCommand);

program
  .command('device-sim')
  .description('a stand-in device speaking the MQTT topic schema (vehicle, beacon gateway or robot)')
  .requiredOption('--kind <kind>', 'vehicle, gateway or robot')
  .requiredOption('--id <id>', 'device id, e.g. V12 (the scenario names it as "vehicle:V12")')
  .option('--broker <url>', 'MQTT broker URL', 'mqtt://127.0.0.1:1883')
  .option('--lon <deg>', 'position reported in telemetry', '7.4246')
  .option('--lat <deg>', 'position reported in telemetry', '43.7384')
  .option('--telemetry-ms <n>', 'telemetry period', '1000')
  .option('--ack-delay-ms <n>', 'answer commands after this delay', '0')
  .option('--silent', 'never answer commands (the machine must take its timeout path)')
  .option('--duplicate-acks', 'publish every ack twice, like a flaky device')
  .option('--username <name>', 'broker user name')
  .option('--password <secret>', 'broker password')
  .option(
    '--script <file>',
    'JSONL of {"afterMs": n, "event": {...}} sensor events to publish ("-": read them from stdin as they come)',
  )
  .option('--for <duration>', 'stop after this long (default: until Ctrl-C)')
  .action(deviceSimCommand);

program
  .command('check')
  .description(
    'property-based protocol checks: random interleavings, faults and attacks; a shrunk, replayable counterexample on failure',
  )
  .option('--runs <n>', 'generated runs', String(DEFAULT_RUNS))
  .option('--seed <n>', 'fast-check seed (default: from the clock, printed)')
  .option('--path <path>', 'replay one shrunk counterexample (as printed by a failed check)')
  .option('--flows <list>', 'errand,trunk,rental,robot,preorder (default: all)')
  .option('--faults <list>', 'network,crash,silence,devices,attacks (default: all)')
  .option('--no-faults', 'no faults or attacks at all')
  .option('--lossy', 'a network without retries: any message may be lost, even within one connection')
  .option('--max-commands <n>', 'longest generated run')
  .option('--log-dir <dir>', "where a failing run's event log (JSONL) is written", '.')
  .option('--target <url>', 'check a running dispatch server (errand flow) instead of the simulation')
  .option('--secret-file <file>', "the server's token secret (else $CITYTWIN_DISPATCH_SECRET)")
  .option('--json', 'print the report as one JSON object on stdout')
  .action(checkCommand);

registerMdrpCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 1;
  } else if (err instanceof ScenarioError || err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
