#!/usr/bin/env -S node --import tsx
import { parseScanInterval } from '../shared/composition/local-drift-scanner.ts';
/**
 * `npm start`: the embedded local runtime. Data lives in PLUMBLINE_DATA_DIR
 * (default ./.plumbline) and survives restarts; the API listens on
 * 127.0.0.1:${PLUMBLINE_PORT:-8787}. A start that cannot succeed (the data
 * directory is held by another runtime, the port is taken) prints one line
 * on stderr and exits with code 1.
 */
import { type LocalRuntime, startLocalRuntime } from '../shared/composition/local-runtime.ts';
import { SECRET_ROTATION_INTERVAL_ENV } from '../shared/composition/local-secret-rotation.ts';
import { LocalStartError } from '../shared/composition/local-start-error.ts';

process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
const dataDir = process.env.PLUMBLINE_DATA_DIR ?? '.plumbline';
const port = Number(process.env.PLUMBLINE_PORT ?? 8787);
// The secret rotation timer (issue 13) is off unless its interval is set.
const rotationMs = Number(process.env[SECRET_ROTATION_INTERVAL_ENV] ?? '');

// Drift scans of every registered cluster (issue 14): every 15 minutes unless PLUMBLINE_SCAN_INTERVAL says otherwise (`0` = off).
const scanIntervalMs = parseScanInterval(process.env.PLUMBLINE_SCAN_INTERVAL ?? '15m') ?? 15 * 60_000;

let runtime: LocalRuntime;
try {
  runtime = await startLocalRuntime({
    dataDir,
    port,
    ...(rotationMs > 0 ? { secretRotationIntervalMs: rotationMs } : {}),
    ...(scanIntervalMs > 0 ? { scanIntervalMs } : {}),
  });
} catch (error) {
  if (!(error instanceof LocalStartError)) throw error;
  console.error(`Plumbline cannot start: ${error.message}`);
  process.exit(1);
}
// Why first: a supervisor (or a test) may signal as soon as it reads the banner.
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}, shutting down`);
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
console.log(`Plumbline local API listening on ${runtime.url}`);
console.log(`Data directory: ${runtime.dataDir}`);
console.log(
  `Get a token (in another terminal, in this folder): npx plumb dev token --url ${runtime.url} --tenant acme --user alice --roles admin`,
);
