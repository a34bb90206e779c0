import { JsonObjectSchema } from './json-object-schema.ts';

/**
 * The content of a settings layer (collection `settings`, key = its scope):
 * any JSON object. What it means (workload rules, schemas, policies,
 * `$profile` references) is checked against the effective settings it
 * produces, not here.
 */
export const SettingsContentSchema = JsonObjectSchema;
