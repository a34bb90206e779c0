import { runCli } from '../../shared/cli/program.ts';

/** What one in-process run of the CLI returned and printed. */
export interface PlumbRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the `plumb` CLI in-process with `env` (and `stdin` when given), capturing stdout and stderr. */
export async function runPlumb(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<PlumbRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    env,
    ...(stdin === undefined ? {} : { stdin: async () => stdin }),
  });
  return { code, out: out.join(''), err: err.join('') };
}
