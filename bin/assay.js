#!/usr/bin/env node
/*
 * `assay`, the command line of Assay (`npx assay --help`). Checks the Node.js major first, so an
 * old runtime gets a clear message instead of a syntax error, then runs the compiled CLI.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process, console */
'use strict';

const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  console.error(
    `assay needs Node.js ${REQUIRED_MAJOR} or newer; this is ${process.version} (${process.execPath}).\n` +
      `  Run it as \`npx assay …\` in the project, which uses the Node ${REQUIRED_MAJOR} installed in node_modules by \`npm ci\`,\n` +
      `  or install Node ${REQUIRED_MAJOR} LTS.`,
  );
  process.exit(1);
}

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const main = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error(
    `assay: the CLI is not built (${main} is missing).\n  Run \`npm run build\` in ${root} first.`,
  );
  process.exit(1);
}
require(main).cliMain();
