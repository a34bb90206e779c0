import { isDeepStrictEqual } from 'node:util';
import * as v from 'valibot';
import { applyExtra } from './apply-extra.ts';
import { buildSources } from './build-sources.ts';
import { deepFreeze } from './deep-freeze.ts';
import type { DefineSettingsOptions } from './define-settings-options.ts';
import { helpText } from './help-text.ts';
import { leaves } from './leaves.ts';
import { mergeReadings } from './merge-readings.ts';
import { parseArgv } from './parse-argv.ts';
import { type Provenance, provenanceOf } from './provenance.ts';
import { REDACTED } from './redacted.ts';
import { schemaShape } from './schema-shape.ts';
import { secretMatcher } from './secret-matcher.ts';
import type { SettingExplanation } from './setting-explanation.ts';
import { SettingsError, type SettingsIssue } from './settings-error.ts';
import type { SettingsListener } from './settings-listener.ts';
import type { SettingsSource, SourceReading } from './settings-source.ts';
import { validationIssues } from './validation-issues.ts';

/** What `defineSettings` returns. */
export interface Settings<T> {
  /**
   * Reads every source once; resolves the deeply frozen settings or rejects with a {@link SettingsError}
   * listing every problem. Once loaded, resolves the current settings (those of the last valid poll).
   */
  load(): Promise<T>;
  /** `load()`, but prints `--help` and exits 0, or prints every problem and exits 78 (EX_CONFIG). */
  loadOrExit(): Promise<T>;
  /** Where every leaf came from (loads first if needed); secret values redacted. */
  explain(): Promise<SettingExplanation[]>;
  /** Starts polling (Plumbline) and tells the listener about valid changes and errors; returns the unsubscribe function. */
  subscribe(listener: SettingsListener<T>): () => void;
  /** The `--help` text generated from the schema. */
  help(): string;
  /** Stops polling. */
  close(): void;
}

/** EX_CONFIG from sysexits.h: a configuration error. */
const EX_CONFIG = 78;

interface Loaded<T> {
  settings: T;
  origins: Record<string, Provenance>;
}

/**
 * Declares a service's settings once, as a valibot schema, and loads them
 * from the configured sources in a stated precedence (explicit, argv, env,
 * dotenv, JSON/YAML/TOML files, package.json, secrets directory, Plumbline,
 * highest first unless `options.sources` says otherwise). Text sources are
 * coerced by the schema's own structure.
 *
 * @example
 * const settings = defineSettings(v.object({ port: v.optional(v.number(), 8080) }), { env: { prefix: 'APP_' } });
 * const { port } = await settings.loadOrExit();
 */
export function defineSettings<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  options: DefineSettingsOptions = {},
): Settings<v.InferOutput<TSchema>> {
  type T = v.InferOutput<TSchema>;
  const shape = schemaShape(schema);
  const isSecret = secretMatcher(options.secrets);
  const sources = buildSources(options, isSecret);
  const warn =
    options.onWarning ??
    ((issue: SettingsIssue) =>
      process.stderr.write(`settings warning: ${issue.path}: ${issue.message} [from ${issue.source}]\n`));
  const extraOf = (source: SettingsSource) => {
    const extra = options.extra;
    return source.extra ?? (typeof extra === 'string' ? extra : (extra?.[source.name] ?? 'ignore'));
  };
  const readings: SourceReading[] = [];
  const listeners = new Set<SettingsListener<T>>();
  const timers = new Set<NodeJS.Timeout>();
  let loaded: Loaded<T> | undefined;
  let loading: Promise<T> | undefined;
  let closed = false;

  const labelled = (
    source: SettingsSource,
    reading: SourceReading,
  ): SourceReading & { origins: Record<string, Provenance> } => {
    const { reading: kept, warnings } = applyExtra(reading, shape, extraOf(source), source.name);
    for (const warning of warnings) warn(warning);
    const origins: Record<string, Provenance> = {};
    for (const [path] of leaves(kept.values)) {
      if (path === '') continue;
      const origin = provenanceOf(kept.origins ?? {}, path);
      origins[path] = { ...origin, source: source.name, detail: origin?.detail ?? source.name };
    }
    return { ...kept, origins };
  };

  const build = async (): Promise<Loaded<T>> => {
    const merged = mergeReadings(sources.map((source, i) => labelled(source, readings[i] as SourceReading)));
    const result = v.safeParse(schema, merged.values);
    const issues = [
      ...merged.issues,
      ...(result.success ? [] : validationIssues(result.issues, merged.origins, isSecret)),
    ];
    if (issues.length > 0 || !result.success) throw new SettingsError(issues);
    for (const commit of merged.commits) await commit();
    return { settings: deepFreeze(result.output), origins: merged.origins };
  };

  const load = (): Promise<T> => {
    // After the first load, the current settings: those of the last valid poll.
    if (loaded) return Promise.resolve(loaded.settings);
    loading ??= (async () => {
      readings.length = 0;
      for (const source of sources) {
        const higher = deepFreeze(mergeReadings(readings).values);
        readings.push(await source.read({ shape, higher }));
      }
      loaded = await build();
      return loaded.settings;
    })().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };

  const notifyError = (error: SettingsError) => {
    for (const listener of listeners) if (typeof listener !== 'function') listener.onError?.(error);
  };

  const poll = async (index: number): Promise<void> => {
    const source = sources[index] as SettingsSource;
    const higher = deepFreeze(mergeReadings(readings.slice(0, index)).values);
    let reading: SourceReading | undefined;
    try {
      reading = await source.poll?.({ shape, higher });
    } catch (error) {
      notifyError(new SettingsError([{ path: '', message: (error as Error).message, source: source.name }]));
      return;
    }
    if (!reading || !loaded) return;
    const previousReading = readings[index] as SourceReading;
    readings[index] = reading;
    let next: Loaded<T>;
    try {
      next = await build();
    } catch (error) {
      readings[index] = previousReading;
      if (error instanceof SettingsError) notifyError(error);
      else
        notifyError(
          new SettingsError([{ path: '', message: (error as Error).message, source: source.name }]),
        );
      return;
    }
    const previous = loaded.settings;
    loaded = next;
    if (isDeepStrictEqual(previous, next.settings)) return;
    for (const listener of listeners) {
      if (typeof listener === 'function') listener(next.settings, previous);
      else listener.onChange(next.settings, previous);
    }
  };

  const startPolling = () => {
    sources.forEach((source, index) => {
      if (!source.poll) return;
      const tick = () => {
        const timer = setTimeout(
          async () => {
            timers.delete(timer);
            await poll(index);
            if (!closed && listeners.size > 0) tick();
          },
          (source.pollSeconds ?? 30) * 1000,
        );
        timer.unref();
        timers.add(timer);
      };
      tick();
    });
  };

  return {
    load,
    loadOrExit: async () => {
      if (options.argv !== false && parseArgv(options.argv ?? process.argv.slice(2), shape).help) {
        process.stdout.write(helpText(shape, helpOptions(options)));
        process.exit(0);
      }
      try {
        return await load();
      } catch (error) {
        if (!(error instanceof SettingsError)) throw error;
        process.stderr.write(`${error.format()}\n`);
        process.exit(EX_CONFIG);
      }
    },
    explain: async () => {
      await load();
      const { settings, origins } = loaded as Loaded<T>;
      return leaves(settings).flatMap(([path, value]): SettingExplanation[] => {
        if (path === '') return [];
        const origin = provenanceOf(origins, path);
        const secret = isSecret(path) || origin?.secret === true;
        return [
          {
            path,
            value: secret ? REDACTED : value,
            source: origin?.source ?? 'default',
            ...(origin?.detail === undefined || origin.detail === origin.source
              ? {}
              : { from: origin.detail }),
            ...(origin?.version === undefined ? {} : { version: origin.version }),
            secret,
          },
        ];
      });
    },
    subscribe: (listener) => {
      const first = listeners.size === 0;
      listeners.add(listener);
      if (first && !closed) {
        load().then(startPolling, (error: unknown) => {
          if (error instanceof SettingsError) notifyError(error);
        });
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) for (const timer of timers) clearTimeout(timer);
      };
    },
    help: () => helpText(shape, helpOptions(options)),
    close: () => {
      closed = true;
      listeners.clear();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function helpOptions(options: DefineSettingsOptions): Parameters<typeof helpText>[1] {
  const env =
    options.env === false
      ? undefined
      : { prefix: options.env?.prefix ?? '', delimiter: options.env?.delimiter ?? '__' };
  return { ...(options.program ? { program: options.program } : {}), ...(env ? { env } : {}) };
}
