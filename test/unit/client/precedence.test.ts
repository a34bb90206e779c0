import { mkdir, writeFile } from 'node:fs/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_IN_SOURCES,
  type BuiltInSource,
  type DefineSettingsOptions,
  defineSettings,
} from '../../../shared/client/index.ts';
import { fakePlumbline, tempDir } from './client-fixtures.ts';

const schema = v.object({ who: v.string(), only: v.optional(v.string()) });
let tmp: Awaited<ReturnType<typeof tempDir>>;

/** Options where every built-in source says `who = <its own name>`. */
function everySource(): DefineSettingsOptions {
  return {
    explicit: { who: 'explicit' },
    argv: ['--who', 'argv'],
    env: { prefix: 'APP_', vars: { APP_WHO: 'env' } },
    dotenv: [tmp.path('.env')],
    files: [tmp.path('config.toml')],
    packageJson: { key: 'svc', path: tmp.path('package.json') },
    secretsDir: tmp.path('secrets'),
    plumbline: {
      url: 'https://plumbline.test',
      env: 'prod',
      service: 'api',
      auth: { token: 't' },
      cacheFile: tmp.path('lkg.json'),
      fetch: fakePlumbline({
        content: { who: 'plumbline' },
        explain: { '/who': { scope: 'envs/prod', version: 2 } },
      }).fetch,
    },
  };
}

beforeAll(async () => {
  tmp = await tempDir();
  await writeFile(tmp.path('.env'), 'APP_WHO=dotenv\n');
  await writeFile(tmp.path('config.toml'), 'who = "file"\n');
  await writeFile(tmp.path('package.json'), JSON.stringify({ name: 'x', svc: { who: 'package.json' } }));
  await mkdir(tmp.path('secrets'));
  await writeFile(tmp.path('secrets/who'), 'secrets-dir\n');
});
afterAll(() => tmp.cleanup());

const pairs = BUILT_IN_SOURCES.flatMap((high, i) =>
  BUILT_IN_SOURCES.slice(i + 1).map((low) => [high, low] as [BuiltInSource, BuiltInSource]),
);

describe('precedence of the built-in sources', () => {
  it.each(pairs)(
    '%s wins over %s by default, and loses when options.sources reverses them',
    async (high, low) => {
      // Prepare: every source gives `who`; only the pair is read, once in default order, once reversed.
      const byDefault = defineSettings(schema, {
        ...everySource(),
        sources: BUILT_IN_SOURCES.filter((s) => s === high || s === low),
      });
      const reversed = defineSettings(schema, { ...everySource(), sources: [low, high] });

      // Act
      const first = await byDefault.load();
      const second = await reversed.load();

      // Assess
      expect(first.who).toBe(high);
      expect(second.who).toBe(low);
      expect((await byDefault.explain()).find((e) => e.path === 'who')?.source).toBe(high);
    },
  );

  it('reads all eight sources with explicit values on top, and each fills what the higher ones leave', async () => {
    // Prepare: only the lowest source (Plumbline) gives `only`.
    const options = everySource();
    const plumbline = {
      ...(options.plumbline as NonNullable<DefineSettingsOptions['plumbline']>),
      fetch: fakePlumbline({ content: { who: 'plumbline', only: 'from-plumbline' } }).fetch,
    };

    // Act
    const settings = await defineSettings(schema, { ...options, plumbline }).load();

    // Assess
    expect(settings).toEqual({ who: 'explicit', only: 'from-plumbline' });
  });

  it('gives a custom source what the higher-priority sources produced, and places it where options.sources says', async () => {
    // Prepare
    let seen: unknown;
    const custom = {
      name: 'vault',
      read: async ({ higher }: { higher: Readonly<Record<string, unknown>> }) => {
        seen = higher;
        return { values: { who: 'vault', only: `after ${String(higher.who)}` } };
      },
    };

    // Act
    const settings = await defineSettings(schema, {
      ...everySource(),
      sources: ['env', custom, 'file'],
    }).load();

    // Assess
    expect(seen).toEqual({ who: 'env' });
    expect(Object.isFrozen(seen)).toBe(true);
    expect(settings).toEqual({ who: 'env', only: 'after env' });
  });

  it('merges objects key by key across sources and lets a higher scalar or array replace a lower one', async () => {
    // Prepare
    const nested = v.object({
      db: v.object({ host: v.string(), port: v.number() }),
      tags: v.array(v.string()),
    });
    const settings = defineSettings(nested, {
      argv: [],
      explicit: { db: { host: 'explicit-host' }, tags: ['x'] },
      env: { prefix: 'APP_', vars: { APP_DB__PORT: '5432', APP_DB__HOST: 'env-host', APP_TAGS: 'a,b' } },
    });

    // Act
    const loaded = await settings.load();
    const explained = await settings.explain();

    // Assess
    expect(loaded).toEqual({ db: { host: 'explicit-host', port: 5432 }, tags: ['x'] });
    expect(explained.map((e) => [e.path, e.source, e.from])).toEqual([
      ['db.host', 'explicit', undefined],
      ['db.port', 'env', 'APP_DB__PORT'],
      ['tags', 'explicit', undefined],
    ]);
  });
});
