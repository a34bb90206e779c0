import { Command, CommanderError } from 'commander';
import { ApiError } from './api-client.ts';
import { clustersCommand } from './commands/clusters-command.ts';
import { devCommand } from './commands/dev-command.ts';
import { driftCommand } from './commands/drift-command.ts';
import { driftPoliciesCommand } from './commands/drift-policies-command.ts';
import { effectiveCommand, explainCommand } from './commands/effective-command.ts';
import { environmentsCommand } from './commands/environments-command.ts';
import { exportCommand } from './commands/export-command.ts';
import { importCommand } from './commands/import-command.ts';
import { policiesCommand } from './commands/policies-command.ts';
import { profilesCommand } from './commands/profiles-command.ts';
import { requestsCommand } from './commands/requests-command.ts';
import { schemasCommand } from './commands/schemas-command.ts';
import { secretsCommand } from './commands/secrets-command.ts';
import { serviceAccountsCommand } from './commands/service-accounts-command.ts';
import { settingsCommand } from './commands/settings-command.ts';
import { tagCommand } from './commands/tag-command.ts';
import { validateCommand } from './commands/validate-command.ts';
import type { CliContext } from './context.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { describeViolation, terminalSafe, type ViolationView, visible } from './output.ts';

/**
 * Builds the `plumb` command tree. Every command writes through
 * {@link terminalSafe}: no control character a server sent reaches the
 * terminal raw (an export or a secret value asks for the raw output).
 */
export function buildProgram(cliContext: CliContext): Command {
  const ctx: CliContext = { ...cliContext, output: terminalSafe(cliContext.output) };
  const program = new Command('plumb')
    .description('Plumbline: versioned, validated, auditable settings')
    .version('0.1.0')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s), writeErr: (s) => ctx.output.err(s) });
  program.addCommand(settingsCommand(ctx));
  program.addCommand(environmentsCommand(ctx));
  program.addCommand(requestsCommand(ctx));
  program.addCommand(effectiveCommand(ctx));
  program.addCommand(explainCommand(ctx));
  program.addCommand(profilesCommand(ctx));
  program.addCommand(schemasCommand(ctx));
  program.addCommand(policiesCommand(ctx));
  program.addCommand(secretsCommand(ctx));
  program.addCommand(serviceAccountsCommand(ctx));
  program.addCommand(driftPoliciesCommand(ctx));
  program.addCommand(clustersCommand(ctx));
  program.addCommand(driftCommand(ctx));
  program.addCommand(validateCommand(ctx));
  program.addCommand(tagCommand(ctx));
  program.addCommand(exportCommand(ctx));
  program.addCommand(importCommand(ctx));
  program.addCommand(devCommand(ctx));
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => ctx.output.out(s), writeErr: (s) => ctx.output.err(s) });
    for (const sub of command.commands)
      sub
        .exitOverride()
        .configureOutput({ writeOut: (s) => ctx.output.out(s), writeErr: (s) => ctx.output.err(s) });
  }
  return program;
}

/**
 * Formats an API problem for people: detail plus each violation (with its
 * value and hint when the API sent them), each said once (a detail that only
 * repeats the first violation gives way to the problem's title), and each
 * document a refused secret deletion names in `references`. Every text the
 * server sent is {@link visible}: one line, no control character.
 */
function describeProblem(error: ApiError): string {
  const errors = Array.isArray(error.problem.errors) ? (error.problem.errors as ViolationView[]) : [];
  const first = errors[0];
  const repeatsFirst =
    first !== undefined && error.message.startsWith(`${first.pointer ?? ''}: ${first.message ?? ''}`);
  const title = typeof error.problem.title === 'string' ? error.problem.title : `HTTP ${error.status}`;
  const lines = [
    repeatsFirst
      ? `Error ${error.status}: ${visible(title)}${errors.length > 1 ? ` (${errors.length} problems)` : ''}`
      : `Error ${error.status}: ${visible(error.message)}`,
  ];
  // Validation failures (422) also name the rule; a 400's rule is only the parser's check name.
  for (const e of errors) lines.push(`  - ${describeViolation(e, error.status === 422)}`);
  const references = Array.isArray(error.problem.references)
    ? (error.problem.references as { document?: string; pointer?: string }[])
    : [];
  for (const r of references)
    lines.push(`  - referenced by ${visible(r.document ?? '?')} at ${visible(r.pointer ?? '')}`);
  if (typeof error.problem.currentVersion === 'number')
    lines.push(`  current version: ${error.problem.currentVersion}`);
  return lines.join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], cliContext: CliContext): Promise<number> {
  const ctx: CliContext = { ...cliContext, output: terminalSafe(cliContext.output) };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof UsageError) {
      ctx.output.err(`Usage error: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      const wantsJson = argv.includes('--json');
      ctx.output.err(wantsJson ? JSON.stringify(error.problem) : describeProblem(error));
      return error.status === 409 || error.status === 412 ? EXIT.conflict : EXIT.api;
    }
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      ctx.output.err(
        'Cannot reach the Plumbline API. Is it running (npm start)? Set PLUMBLINE_URL or --url.',
      );
      return EXIT.api;
    }
    ctx.output.err(`Error: ${visible((error as Error).message)}`);
    return EXIT.api;
  }
}
