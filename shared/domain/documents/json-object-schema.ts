import * as v from 'valibot';
import { isJsonObject, type JsonObject } from '../json-value.ts';

/** A plain JSON object (settings content, a profile, a JSON Schema ...). */
export const JsonObjectSchema = v.custom<JsonObject>(isJsonObject, 'must be a JSON object');
