#!/usr/bin/env node
// The installed `overparam` command. The CLI's own dependencies (Observable Plot and linkedom for
// the charts, cli-progress for the progress bar: about 60 packages and 17 MB that a library user
// never loads) are optional peer dependencies, so this launcher checks them first and says what to
// install, instead of the resolution stack trace a missing static import would print.

/** The CLI's optional peer dependencies, as `npm install` takes them. */
export const CLI_DEPENDENCIES = ['@observablehq/plot', 'linkedom', 'cli-progress'] as const;

/** The dependencies that do not resolve from this package's location. */
function missingDependencies(): string[] {
  return CLI_DEPENDENCIES.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

const missing = missingDependencies();
if (missing.length > 0) {
  console.error(`overparam: the command-line tool needs ${missing.join(', ')}, which installing the library ` +
    'alone does not bring (they are optional peer dependencies). Install them beside overparam:\n' +
    `  npm install ${CLI_DEPENDENCIES.join(' ')}\n` +
    `or run the CLI with them: npx ${['overparam', ...CLI_DEPENDENCIES].map((p) => `-p ${p}`).join(' ')} overparam figure1`);
  process.exitCode = 1;
} else {
  await import('./main.js');
}
