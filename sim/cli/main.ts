import { Command, CommanderError, InvalidArgumentError } from 'commander';
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
  .action(runCommand);

program
  .command('serve')
  .description('run a scenario paced in real time and serve the 3D twin (prints the viewer URL and control token)')
  .argument('[scenario]', 'scenario JSON file', 'scenarios/monaco.json')
  .option('--seed <n>', 'random seed (default: the scenario seed)', integer)
  .option('--port <n>', 'HTTP port (0 = any free port)', integer, 8080)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--speed <x>', 'sim seconds per wall second, 1 to 10000', '1')
  .option('--start <time>', 'sim time to start showing, e.g. 08:00 or 8h (reached by a fast re-run)', '08:00')
  .option('--token <token>', 'control token (default: a random one, printed at start)')
  .option('--dev', "serve twin-ui/ through vite's dev server (hot reload) instead of the built bundle")
  .action(serveCommand);

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
