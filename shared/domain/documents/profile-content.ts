import * as v from 'valibot';
import type { Violation } from '../errors.ts';
import type { JsonObject } from '../json-value.ts';
import { PROFILE_NAME_PATTERN, profileReferences } from '../layers/profile-references.ts';
import { JsonObjectSchema } from './json-object-schema.ts';

/** A resource profile name: `minimal`, `production_like`, `high_availability` ... */
export const ProfileNameSchema = v.pipe(
  v.string(),
  v.regex(
    PROFILE_NAME_PATTERN,
    'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
  ),
);

/** The content of a resource profile (collection `profiles`, key = its name): a JSON object. */
export const ProfileContentSchema = JsonObjectSchema;

/**
 * The domain rule of a profile's content: a profile cannot pull in another
 * profile, so every `$profile` in it is a violation (pointers under `prefix`).
 *
 * @example profileContentViolations({ web: { $profile: 'minimal' } }, '/body/content') // [{ pointer: '/body/content/web/$profile', ... }]
 */
export function profileContentViolations(content: JsonObject, prefix: string): Violation[] {
  return profileReferences(content).map((ref) => ({
    pointer: `${prefix}${ref.pointer}/$profile`,
    rule: 'profile.nested',
    message: 'profiles cannot contain $profile',
    hint: 'Copy the keys you need into this profile instead',
  }));
}
