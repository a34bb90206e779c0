#!/usr/bin/env -S node --import tsx
/**
 * `npm start`: the embedded local runtime. Data lives in PLUMBLINE_DATA_DIR
 * (default ./.plumbline) and survives restarts; the API listens on
 * 127.0.0.1:${PLUMBLINE_PORT:-8787}.
 */
import { startLocalRuntime } from '../shared/composition/local-runtime.ts';

process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
const dataDir = process.env.PLUMBLINE_DATA_DIR ?? '.plumbline';
const port = Number(process.env.PLUMBLINE_PORT ?? 8787);

const runtime = await startLocalRuntime({ dataDir, port });
console.log(`Plumbline local API listening on ${runtime.url}`);
console.log(`Data directory: ${runtime.dataDir}`);
console.log(`Get a token: npx plumb dev token --tenant acme --user alice --roles admin`);

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
