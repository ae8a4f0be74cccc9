import type { Command } from 'commander';
import { benchCommand } from './bench-command.ts';
import { solveCommand } from './solve-command.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `citytwin mdrp solve|bench`: the meal-delivery benchmark commands. */
export function registerMdrpCommands(program: Command): void {
  const mdrp = program
    .command('mdrp')
    .description('meal-delivery routing benchmark (the public Grubhub instances): solve and bench');
  mdrp
    .command('solve')
    .description(
      'solve one instance through the kernel, check the eight rules, write the solution files, print the measures',
    )
    .argument('<dir>', 'instance folder (restaurants.txt, orders.txt, couriers.txt, instance_parameters.txt)')
    .option('--policy <name>', 'greedy or rolling', 'rolling')
    .option('--out <dir>', 'write the three solution files here')
    .option('--json', 'print the measures as one JSON object')
    .option(
      '--set <key=value>',
      'override a rolling parameter, e.g. intervalMinutes=2 (repeatable, or comma-separated)',
      collect,
    )
    .option('--log <file>', 'write the event log as JSONL')
    .action(solveCommand);
  mdrp
    .command('bench')
    .description(
      'solve every instance with every policy on worker threads; write results.csv, results.json, report.html',
    )
    .argument('<paths...>', 'instance folders, folders of instance folders, or list files')
    .option('--policy <names>', 'comma-separated policies', 'greedy,rolling')
    .option('--parallel <n>', 'worker threads, or auto (one per core)', 'auto')
    .requiredOption('--out <dir>', 'where the results and the report go')
    .option('--set <key=value>', 'override a rolling parameter (repeatable, or comma-separated)', collect)
    .option('--solutions', 'also write every solution under <out>/solutions/<policy>/<instance>/')
    .action(benchCommand);
}
