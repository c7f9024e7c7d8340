/**
 * Entry point. Checks the Node.js major before loading anything else, so an old runtime gets a
 * clear message instead of a syntax error deep inside a dependency.
 */
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  console.error(
    `Assay needs Node.js ${REQUIRED_MAJOR} or newer; this is ${process.version} (${process.execPath}).\n` +
      `  Run it through npm (\`npm start\`), which uses the Node ${REQUIRED_MAJOR} installed in node_modules by \`npm ci\`,\n` +
      `  or install Node ${REQUIRED_MAJOR} LTS.`,
  );
  process.exit(1);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./bootstrap')
  .main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
