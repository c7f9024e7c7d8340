/*
 * Runs a TypeScript entry point of the test tree in a child process:
 *   node test/support/run-ts.cjs <file.ts>
 * It compiles each .ts file on require with @swc/core and the repository's .swcrc (decorators and
 * their metadata included, exactly as @swc/jest does for the tests), so a child process runs the
 * same src/ code and test modules (test providers, test task types) as the test that spawned it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, __dirname, process, console */
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join, resolve } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '..', '..', '.swcrc'), 'utf8'));

Module._extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    jsc: swcrc.jsc,
    module: swcrc.module,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node test/support/run-ts.cjs <file.ts>');
  process.exit(2);
}
require(resolve(entry));
