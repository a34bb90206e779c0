import { toJsonSchema } from '@valibot/to-json-schema';
import type { AnySchema, Route } from './route.ts';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: AnySchema | undefined, typeMode: 'input' | 'output'): JsonSchema {
  if (!schema) return {};
  const { $schema: _ignored, ...rest } = toJsonSchema(schema as never, {
    target: 'draft-2020-12',
    typeMode,
    errorMode: 'ignore',
    // Our only custom schemas check "is a JSON object".
    overrideSchema: (context) =>
      (context.valibotSchema as { type?: string }).type === 'custom' ? { type: 'object' } : undefined,
  }) as JsonSchema;
  return rest;
}

function parametersOf(route: Route): unknown[] {
  const out: unknown[] = [];
  const add = (where: 'path' | 'query', schema: AnySchema | undefined) => {
    const json = schemaOf(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: prop,
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  // Documented from the same declaration run-route validates them with.
  for (const header of Object.values(route.requestHeaders ?? {})) {
    out.push({
      name: header.name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: schemaOf(header.schema, 'input'),
    });
  }
  return out;
}

/**
 * Generates the OpenAPI 3.1 document from the route table and its valibot
 * schemas, so the documentation cannot drift from the code.
 */
export function buildOpenApi(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: route.tags,
      'x-plumbline-permission': route.permission,
      security: route.permission === null ? [] : [{ bearer: [] }],
      parameters: parametersOf(route),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, spec]) => [
          status,
          {
            description: spec.description,
            ...(spec.schema
              ? {
                  content: {
                    [spec.contentType ??
                      (Number(status) >= 400 ? 'application/problem+json' : 'application/json')]: {
                      schema: schemaOf(spec.schema, 'output'),
                    },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          Object.entries(route.body).map(([type, schema]) => [type, { schema: schemaOf(schema, 'input') }]),
        ),
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Plumbline API',
      version: '1',
      description: 'Versioned, validated, auditable settings. Errors are RFC 9457 problem details.',
      // package.json says UNLICENSED: no open-source licence. An SPDX `LicenseRef-` expression says so.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Plumbline-Proprietary' },
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

export { serverUrlOf, withServer } from './openapi-servers.ts';
