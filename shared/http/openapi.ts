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
  for (const header of route.requestHeaders ?? []) {
    out.push({
      name: header.name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: { type: 'string' },
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

/**
 * The document as served to one caller: {@link buildOpenApi}'s document with
 * `servers` naming the API's own origin (the local runtime's URL locally, the
 * API's URL on AWS), placed after `info` as OpenAPI documents usually are.
 *
 * @example withServer(buildOpenApi(routeTable), 'http://127.0.0.1:8787').servers // [{ url: 'http://127.0.0.1:8787', ... }]
 */
export function withServer(document: JsonSchema, serverUrl: string): JsonSchema {
  const { openapi, info, ...rest } = document;
  return {
    openapi,
    info,
    servers: [{ url: serverUrl.replace(/\/+$/, ''), description: 'This Plumbline API' }],
    ...rest,
  };
}

/**
 * The origin the API is reached at: the configured public URL when there is
 * one (`PLUMBLINE_PUBLIC_URL` on AWS, the server's URL locally), otherwise
 * the request's `Host` (API Gateway also sends `X-Forwarded-Proto`).
 */
export function serverUrlOf(headers: Record<string, string>, publicUrl: (() => string) | undefined): string {
  if (publicUrl) return new URL(publicUrl()).origin;
  const proto = headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${proto}://${headers.host ?? 'localhost'}`;
}
