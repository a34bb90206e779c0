#!/usr/bin/env -S node --import tsx
import { processOutput } from '../shared/cli/output.ts';
/** The `plumb` CLI. See `plumb --help`. */
import { runCli } from '../shared/cli/program.ts';

process.exitCode = await runCli(process.argv.slice(2), { output: processOutput, env: process.env });
