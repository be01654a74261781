#!/usr/bin/env node
// The `overparam` command: `overparam figure1 …` reproduces the paper's Figure 1 with the theory's
// lines; `overparam train …` runs one network. Everything runs on the package's public API.
import { UsageError } from './args.js';
import { EXIT, figure1Command, trainCommand } from './commands.js';
import { labelsCommand } from './labels.js';
import { packageVersion } from './results.js';
import { regimesCommand } from './regimes.js';
import { widthCommand } from './width.js';
import { mergeCommand } from './merge.js';
import { optimizersCommand } from './optimizers.js';

/** The commands with their own --help (a usage error in one points there rather than at this list). */
const COMMANDS_WITH_HELP = new Set(['figure1', 'train', 'regimes', 'labels', 'width', 'merge', 'optimizers']);

const USAGE = `Usage: overparam <command> [options]

Commands:
  figure1   reproduce Figure 1 of Du et al. (ICLR 2019) with the theory's lines: SVG charts,
            CSVs, results.json and report.html (--preset quick | paper)
  train     train one network and write its curves
  regimes   lazy training against feature learning over output scales α, γ and widths m
  width     how wide is wide enough: the critical width m* per n, its power law, the theory's
            widths (--shard i/N, Slurm job arrays, Kubernetes Indexed Jobs)
  merge     combine the shards of 'overparam width' into its results, byte for byte
  optimizers
            Figure 1 for each optimiser (GD, heavy ball, Nesterov, SGD) from one W(0), beside
            the kernel regime's prediction and SGD's spread over seeds
  labels    label noise and generalisation on the digits (Arora et al., ICML 2019): curves,
            bound, distance, test error and checks for each fraction of random labels

Run 'overparam <command> --help' for the options; 'overparam --version' for the version.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'figure1': return await figure1Command(rest);
      case 'train': return await trainCommand(rest);
      case 'regimes': return await regimesCommand(rest);
      case 'width': return await widthCommand(rest);
      case 'merge': return await mergeCommand(rest);
      case 'labels': return await labelsCommand(rest);
      case 'optimizers': return await optimizersCommand(rest);
      case '--version': case '-v':
        console.log(packageVersion());
        return EXIT.ok;
      case undefined: case '--help': case '-h': case 'help':
        console.log(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`overparam: ${error.message}\n\n${COMMANDS_WITH_HELP.has(command) ? `See 'overparam ${command} --help'.` : USAGE}`);
      return EXIT.usage;
    }
    const e = error as Error & { code?: string };
    console.error(`overparam: ${e.name}${e.code ? ` [${e.code}]` : ''}: ${e.message}`);
    return EXIT.error;
  }
}

// A reader that closes stdout early (`overparam figure1 | head`) is not an error: stop printing
// and carry on, so that the files are still written.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  console.log = () => {};
  console.info = () => {};
});

process.exitCode = await main(process.argv.slice(2));
