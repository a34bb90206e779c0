#!/usr/bin/env -S node --import tsx
/** The `plumb` CLI. See `plumb --help`. */
import { runCli } from '../shared/cli/program.ts';
import { processOutput } from '../shared/cli/output.ts';

process.exitCode = await runCli(process.argv.slice(2), { output: processOutput, env: process.env });
