import { Command } from 'commander';
import { type ApiOptions, type CliContext, withApiOptions } from '../context.ts';
import {
  addListAndGetCommands,
  printDocument,
  putDocument,
  readObject,
  requireReason,
} from './profiles-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** `plumb schemas list|get|put`. */
export function schemasCommand(ctx: CliContext): Command {
  const schemas = new Command('schemas').description(
    "services' JSON Schemas (2020-12) with CEL rules and strict mode",
  );
  const path = (service: string) => `/v1/schemas/services/${encodeURIComponent(service)}`;

  addListAndGetCommands(schemas, ctx, {
    listPath: '/v1/schemas',
    column: 'SCHEMA',
    listDescription: 'list the registered schemas',
    argument: '<service>',
    getDescription: "show the latest (or --version N) version of a service's schema",
    path,
  });

  withApiOptions(schemas.command('put <service>'))
    .description(
      'register a schema from a JSON/YAML file holding {schema, rules: [{id, expr, message}], strict}',
    )
    .option('-f, --file <file>', 'JSON or YAML (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--strict', 'unknown keys are errors (overrides the file)')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .action(async (service: string, options: Opts) => {
      const reason = requireReason(options);
      const doc = await readObject(options.file as string | undefined, ctx);
      const body = {
        schema: doc.schema,
        ...(doc.rules === undefined ? {} : { rules: doc.rules }),
        ...(options.strict ? { strict: true } : doc.strict === undefined ? {} : { strict: doc.strict }),
        reason,
        ...(options.ticket ? { ticket: options.ticket } : {}),
      };
      printDocument(ctx, options, await putDocument(ctx, options, path(service), body), 'created');
    });

  return schemas;
}
