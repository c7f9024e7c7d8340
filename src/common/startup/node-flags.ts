/**
 * The Node/V8 flags Assay's processes are started with (`npm start`, the Docker image's CMD, the
 * benches' app processes; a test keeps the three in step). They can only be given on the command
 * line: V8 sizes its young generation when the process starts.
 *
 * `--max-semi-space-size=16` (MiB): on a host with a lot of memory V8 lets the young generation
 * grow to 64 MiB per semi-space (128 MiB in all), and a busy worker touches those pages for the
 * first time over its first ~25,000 tasks, so its RSS crept up by ~70 MiB before it levelled off
 * (`npm run bench:tasks`, phase d: +14–24 % with V8's default, +4 to +12 % with this flag, level
 * after the first 25,000 tasks, the whole process ~70 MiB smaller, throughput unchanged within
 * the machine's noise). Short-lived objects (a task's rows, a request's body) are collected as
 * cheaply in 16 MiB.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
