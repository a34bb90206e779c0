import * as v from 'valibot';
import {
  ALPHABETS,
  CATEGORIES,
  CRITICALITIES,
  MAX_SECRET_VALUE_BYTES,
  SECRET_NAME_PATTERN,
} from '../../domain/secrets/secret-model.ts';
import { NameSchema, ReasonSchema } from '../schemas.ts';

/**
 * A secret value on its way in. Wrapped right after the type check so that a
 * failing check (empty, too long) never echoes the value in the 400's
 * `errors` (violations echo strings, not objects), nor in a log.
 */
export class SecretText {
  constructor(readonly text: string) {}
  toJSON(): string {
    return '[redacted]';
  }
}

/** A secret value: 1 byte to 64 KiB of UTF-8, never echoed. */
export const SecretValueSchema = v.pipe(
  v.string('value must be a string'),
  v.transform((text) => new SecretText(text)),
  v.check((s) => s.text.length > 0, 'value must not be empty'),
  v.check(
    (s) => Buffer.byteLength(s.text, 'utf8') <= MAX_SECRET_VALUE_BYTES,
    `value is at most ${MAX_SECRET_VALUE_BYTES} bytes (64 KiB)`,
  ),
);

/** A secret name (no `/`). */
export const SecretNameSchema = v.pipe(
  v.string(),
  v.regex(
    SECRET_NAME_PATTERN,
    'must be 1-128 lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
  ),
);

/** Path parameters of the routes of one secret. */
export const SecretParams = v.object({ env: NameSchema, name: SecretNameSchema });

const GenerateSchema = v.strictObject({
  length: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(16), v.maxValue(256)),
  alphabet: v.optional(v.picklist(ALPHABETS, `alphabet is one of ${ALPHABETS.join(', ')}`), 'alphanumeric'),
});

/** Body of `PUT /v1/secrets/envs/{env}/{name}`: `value` or `generate`, never both. */
export const PutSecretBody = v.pipe(
  v.strictObject({
    value: v.optional(SecretValueSchema),
    criticality: v.picklist(CRITICALITIES, `criticality is one of ${CRITICALITIES.join(', ')}`),
    category: v.picklist(CATEGORIES, `category is one of ${CATEGORIES.join(', ')}`),
    description: v.optional(v.pipe(v.string(), v.maxLength(1000))),
    owner: v.optional(v.pipe(v.string(), v.email('owner must be an email address'), v.maxLength(254))),
    generate: v.optional(GenerateSchema),
    reason: ReasonSchema,
  }),
  v.forward(
    v.partialCheck(
      [['value'], ['generate']],
      (body) => !(body.value !== undefined && body.generate !== undefined),
      'send value or generate, not both',
    ),
    ['generate'],
  ),
  v.forward(
    v.partialCheck(
      [['value'], ['generate']],
      (body) => body.value !== undefined || body.generate !== undefined,
      'send a value, or generate to let Plumbline make one',
    ),
    ['value'],
  ),
);

/** Body of `POST .../{name}/rotate`. */
export const RotateSecretBody = v.strictObject({
  value: v.optional(SecretValueSchema),
  reason: ReasonSchema,
});

/** Secret metadata as every route returns it: never the value, never a hash of it. */
export const SecretMetadataSchema = v.object({
  name: v.string(),
  env: v.string(),
  version: v.number(),
  criticality: v.picklist(CRITICALITIES),
  category: v.picklist(CATEGORIES),
  description: v.nullable(v.string()),
  owner: v.nullable(v.string()),
  createdAt: v.string(),
  createdBy: v.string(),
  rotatedAt: v.string(),
  rotationDueAt: v.string(),
  generated: v.boolean(),
  state: v.picklist(['active', 'pending-deletion']),
  deletionAt: v.optional(v.string()),
});

/** What every secret route module declares alike: its OpenAPI tag, the path of one secret, the 404 text. */
export const SECRET_ROUTE = {
  tags: ['secrets'],
  itemPath: '/v1/secrets/envs/{env}/{name}',
  texts: { notFound: 'No such secret' },
};
