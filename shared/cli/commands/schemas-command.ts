import { Command } from 'commander';
import { type ApiOptions, type CliContext, withApiOptions } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import {
  addListAndGetCommands,
  printDocument,
  putDocument,
  readObject,
  requireReason,
} from './profiles-command.ts';

type Opts = ApiOptions & Record<string, string | boolean | undefined>;

/** Top-level keywords that mark a plain JSON Schema (as opposed to a `{schema, rules, strict}` document). */
const JSON_SCHEMA_KEYWORDS = [
  '$schema',
  '$id',
  '$ref',
  '$defs',
  'type',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'enum',
  'const',
];

/** What `plumb schemas put -f` accepts, with examples: the text of its usage error and of its --help. */
export const SCHEMA_FILE_HELP = `The file holds either a plain JSON Schema (2020-12), registered with no CEL rules and strict: false:

  type: object
  properties:
    replicas: { type: integer, minimum: 1 }

or a schema document with CEL rules and strict mode:

  schema:
    type: object
    properties:
      replicas: { type: integer, minimum: 1 }
  rules:
    - { id: enough, expr: "self.replicas >= 2", message: "run at least two replicas" }
  strict: false`;

/**
 * Reads a schema file as the API's `{schema, rules, strict}` document: a
 * file with a top-level `schema` key is that document; a plain JSON Schema
 * (no `schema` key, JSON Schema keywords such as `$schema`, `type`,
 * `properties`) is wrapped as `{schema: <file>, rules: [], strict: false}`;
 * anything else is a usage error showing both shapes.
 */
export function schemaDocumentFrom(doc: Record<string, unknown>): {
  document: Record<string, unknown>;
  wrapped: boolean;
} {
  if ('schema' in doc) return { document: doc, wrapped: false };
  if (!('rules' in doc) && !('strict' in doc) && JSON_SCHEMA_KEYWORDS.some((k) => k in doc))
    return { document: { schema: doc, rules: [], strict: false }, wrapped: true };
  const keys = Object.keys(doc).slice(0, 5).join(', ') || 'none';
  throw new UsageError(
    `The schema file has no top-level "schema" key and does not look like a JSON Schema (top-level keys: ${keys}).\n${SCHEMA_FILE_HELP}`,
  );
}

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
      'register a schema from a JSON/YAML file: a plain JSON Schema, or {schema, rules: [{id, expr, message}], strict}',
    )
    .addHelpText('after', `\n${SCHEMA_FILE_HELP}`)
    .option('-f, --file <file>', 'JSON or YAML (- for stdin)')
    .requiredOption('--reason <reason>', 'why you make this change')
    .option('--strict', 'unknown keys are errors (overrides the file)')
    .option('--ticket <ticket>', 'ticket reference')
    .option('--if-match <version>', 'the version you read (default: the latest)')
    .action(async (service: string, options: Opts) => {
      const reason = requireReason(options);
      const { document: doc, wrapped } = schemaDocumentFrom(
        await readObject(options.file as string | undefined, ctx),
      );
      if (wrapped)
        ctx.output.err(
          'read a plain JSON Schema: registering it as {schema: <file>, rules: [], strict: false}',
        );
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
