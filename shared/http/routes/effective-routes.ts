import * as v from 'valibot';
import { etagMatches } from '../../domain/layers/effective-settings.ts';
import type { Scope } from '../../domain/scope.ts';
import { json } from '../http-result.ts';
import { textHeaderSchema } from '../preconditions.ts';
import { defineRoute, type Route } from '../route.ts';
import { JsonObjectSchema, NameSchema, ProblemSchema } from '../schemas.ts';
import { readProblems } from './common-responses.ts';

const problems = readProblems({ notFound: 'No layer applies' });

/** A leaf's provenance in `explain`. */
const ProvenanceSchema = v.object({
  scope: v.string(),
  version: v.number(),
  author: v.string(),
  createdAt: v.string(),
  profile: v.optional(v.string()),
  profileVersion: v.optional(v.number()),
});

/** The body of an effective settings response. */
export const EffectiveSchema = v.object({
  content: JsonObjectSchema,
  layers: v.array(v.object({ scope: v.string(), version: v.number() })),
  profiles: v.array(v.object({ name: v.string(), version: v.number() })),
  explain: v.optional(v.record(v.string(), ProvenanceSchema)),
});

const ExplainQuery = v.object({
  explain: v.optional(v.picklist(['true', 'false'], 'explain is true or false'), 'false'),
  resolveSecrets: v.optional(v.picklist(['true', 'false'], 'resolveSecrets is true or false'), 'false'),
});

const templates = [
  {
    name: 'Service',
    path: '/v1/effective/envs/{env}/services/{service}',
    params: v.object({ env: NameSchema, service: NameSchema }),
  },
  {
    name: 'Instance',
    path: '/v1/effective/envs/{env}/services/{service}/instances/{instance}',
    params: v.object({ env: NameSchema, service: NameSchema, instance: NameSchema }),
  },
] as const;

function effectiveRoute(template: (typeof templates)[number]): Route {
  return defineRoute({
    id: `getEffective${template.name}`,
    method: 'GET',
    path: template.path,
    context: 'settings',
    permission: 'settings:read',
    summary: `Effective settings of a ${template.name.toLowerCase()}: the deep merge of its layers (?explain=true adds provenance per leaf; ?resolveSecrets=true puts secret values in, role secret-reader)`,
    tags: ['effective'],
    params: template.params,
    query: ExplainQuery,
    requestHeaders: {
      ifNoneMatch: {
        name: 'If-None-Match',
        required: false,
        description: 'An ETag you hold; 304 when it is still current',
        schema: textHeaderSchema(1000),
      },
    },
    responses: {
      200: {
        description: 'The merged content, its layers (lowest first) and, with explain, provenance',
        schema: EffectiveSchema,
      },
      304: { description: 'Not modified: the ETag you sent is current' },
      403: {
        description: 'resolveSecrets=true without role secret-reader for the environment (nothing partial)',
        schema: ProblemSchema,
      },
      ...problems,
    },
    handle: async ({ params, query, header, principal, requestId }, deps) => {
      const p = params as { env: string; service: string; instance?: string };
      const scope: Extract<Scope, { kind: 'service' | 'instance' }> =
        p.instance === undefined
          ? { kind: 'service', env: p.env, service: p.service }
          : { kind: 'instance', env: p.env, service: p.service, instance: p.instance };
      const { etag, ...view } = await (
        await import('../../use-cases/effective/get-effective.ts')
      ).getEffective(deps, {
        principal: principal,
        scope,
        explain: query.explain === 'true',
      });
      // Secret references (issue 13): resolved values are never cached and carry no ETag, so an
      // ETag of an unresolved answer can never be reused for a resolved one (or the reverse).
      if (query.resolveSecrets === 'true') {
        const content = await (
          await import('../../use-cases/secrets/resolve-secret-references.ts')
        ).resolveSecretReferences(deps, principal, p.env, view.content, requestId);
        return json(200, { ...view, content }, { 'cache-control': 'no-store' });
      }
      const annotated = await (
        await import('../../use-cases/secrets/resolve-secret-references.ts')
      ).annotateSecretReferences(deps, principal.tenantId, p.env, view.content);
      const tagged =
        annotated.versionsTag === null ? etag : `${etag.slice(0, -1)}-s${annotated.versionsTag}"`;
      const cacheHeaders = { etag: tagged, 'cache-control': 'private, no-cache' };
      if (etagMatches(header.ifNoneMatch, tagged)) return { status: 304, headers: cacheHeaders };
      return json(200, { ...view, content: annotated.content }, cacheHeaders);
    },
  });
}

/** Body of `POST /v1/validate/envs/{env}/services/{service}`. */
export const ValidateBody = v.strictObject({
  /** The proposed content of the service layer (or of the instance layer with `instance`). */
  content: JsonObjectSchema,
  instance: v.optional(NameSchema),
});

const ViolationSchema = v.looseObject({ pointer: v.string(), rule: v.string(), message: v.string() });

/** `POST /v1/validate/...`: validate a proposed layer without writing it (for CI). */
export const validateRoute: Route = defineRoute({
  id: 'validateServiceLayer',
  method: 'POST',
  path: '/v1/validate/envs/{env}/services/{service}',
  context: 'settings',
  permission: 'settings:read',
  summary:
    'Validate a proposed service (or instance) layer against every configuration it would change; writes nothing',
  tags: ['effective'],
  params: v.object({ env: NameSchema, service: NameSchema }),
  body: { 'application/json': ValidateBody },
  responses: {
    200: {
      description: 'Valid; `warnings` lists unknown keys outside strict mode',
      schema: v.object({
        valid: v.literal(true),
        warnings: v.array(ViolationSchema),
        targets: v.array(v.string()),
      }),
    },
    ...problems,
    422: {
      description: 'Invalid: `errors` lists every violation (pointer, rule, value, message, hint, scope)',
      schema: ProblemSchema,
    },
  },
  handle: async ({ params, body, principal }, deps) => {
    const key =
      body.instance === undefined
        ? `envs/${params.env}/services/${params.service}`
        : `envs/${params.env}/services/${params.service}/instances/${body.instance}`;
    const report = await (await import('../../use-cases/effective/validate-changes.ts')).validateChanges(
      deps,
      principal.tenantId,
      [{ collection: 'settings', key, content: body.content }],
    );
    const { warnings } = (await import('../../use-cases/effective/validate-changes.ts')).assertValid(
      report,
      `The proposed layer ${key}`,
    );
    return json(200, { valid: true, warnings, targets: report.targets });
  },
});

/** Every effective-settings route. */
export const effectiveRoutes: Route[] = [...templates.map(effectiveRoute), validateRoute];
