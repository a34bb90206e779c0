import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { defineSettings } from '../../../shared/client/index.ts';

const schema = v.object({
  count: v.number(),
  big: v.bigint(),
  on: v.boolean(),
  off: v.boolean(),
  when: v.date(),
  mode: v.picklist(['fast', 'safe']),
  limits: v.object({ cpu: v.string(), memory: v.string() }),
  labels: v.record(v.string(), v.string()),
  ports: v.array(v.number()),
  hosts: v.array(v.string()),
  flags: v.array(v.boolean()),
  level: v.union([v.literal(1), v.literal(2)]),
  nested: v.object({ deep: v.object({ ratio: v.number() }) }),
  poolSize: v.optional(v.nullable(v.number())),
});

const vars = {
  S_COUNT: ' 42 ',
  S_BIG: '9007199254740993',
  S_ON: 'yes',
  S_OFF: 'OFF',
  S_WHEN: '2026-11-27T10:00:00Z',
  S_MODE: 'safe',
  S_LIMITS: '{"cpu":"500m","memory":"1Gi"}',
  S_LABELS__TEAM: 'core',
  S_LABELS__TIER: 'gold',
  S_PORTS: '[80, 443]',
  S_HOSTS: 'a.example, b.example',
  S_FLAGS: 'true,0,on',
  S_LEVEL: '2',
  S_NESTED__DEEP__RATIO: '0.75',
  S_POOL_SIZE: '7',
};

describe('coercion driven by the schema', () => {
  it('turns each environment text into the type its schema key declares', async () => {
    // Act
    const settings = await defineSettings(schema, { argv: [], env: { prefix: 'S_', vars } }).load();

    // Assess
    expect(settings).toEqual({
      count: 42,
      big: 9007199254740993n,
      on: true,
      off: false,
      when: new Date('2026-11-27T10:00:00Z'),
      mode: 'safe',
      limits: { cpu: '500m', memory: '1Gi' },
      labels: { team: 'core', tier: 'gold' },
      ports: [80, 443],
      hosts: ['a.example', 'b.example'],
      flags: [true, false, true],
      level: 2,
      nested: { deep: { ratio: 0.75 } },
      poolSize: 7,
    });
  });

  it('leaves text that does not convert for validation, which names its variable and value', async () => {
    // Prepare
    const bad = {
      ...vars,
      S_COUNT: 'forty',
      S_ON: 'maybe',
      S_PORTS: '80,http',
      S_LIMITS: '{not json',
      S_BIG: '1.5',
    };

    // Act
    const error = await defineSettings(schema, { argv: [], env: { prefix: 'S_', vars: bad } })
      .load()
      .catch((e: unknown) => e);

    // Assess
    const issues = (error as { issues: { path: string; source: string; value: unknown }[] }).issues;
    expect(issues.map((i) => [i.path, i.source, i.value])).toEqual([
      ['big', 'env S_BIG', '1.5'],
      ['count', 'env S_COUNT', 'forty'],
      ['limits', 'env S_LIMITS', '{not json'],
      ['on', 'env S_ON', 'maybe'],
      ['ports.1', 'env S_PORTS', 'http'],
    ]);
  });

  it('reads camelCase keys as UPPER_SNAKE variables and ignores variables outside the prefix', async () => {
    // Prepare
    const small = v.object({ poolSize: v.number(), maxConns: v.optional(v.number()) });

    // Act
    const settings = await defineSettings(small, {
      argv: [],
      env: { prefix: 'APP_', vars: { APP_POOL_SIZE: '3', MAX_CONNS: '9', APP_MAXCONNS: '1' } },
    }).load();

    // Assess
    expect(settings).toEqual({ poolSize: 3 });
  });
});
