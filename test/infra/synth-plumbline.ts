import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stageConfigFrom } from '../../lib/config/stage-config.ts';
import { definePlumbline, type PlumblineStacks } from '../../lib/plumbline-app.ts';

/** The feature flags and settings of `cdk.json`, so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** A synthesized Plumbline app. */
export interface SynthesizedPlumbline extends PlumblineStacks {
  app: App;
  statefulTemplate: Template;
  statelessTemplate: Template;
}

/**
 * Builds the app as `bin/app.ts` does, with `cdk.json`'s context plus
 * `context` (stage parameters), and synthesizes it. Lambda bundling is
 * skipped (CDK's `aws:cdk:bundling-stacks`): these tests assert the
 * template; `cdk-synth.test.ts` bundles for real and loads the bundles.
 * cdk-nag runs on every synthesis: a finding fails it.
 */
export function synthPlumbline(context: Record<string, unknown> = {}): SynthesizedPlumbline {
  // CDK's built-in CloudFormation rule check costs ~9 s per process here; `cdk-synth.test.ts`
  // runs the real CLI synth, where it is on (and fatal, per cdk.json's validateAgainstDefaultRules).
  process.env.CDK_VALIDATION = 'false';
  const app = new App({
    context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] },
    outdir: mkdtempSync(join(tmpdir(), 'plumbline-cdk-')),
  });
  const stacks = definePlumbline(app, stageConfigFrom(app.node));
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
  };
}

/** The resources of one type in a template, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> } & Record<string, unknown>> {
  return template.findResources(type) as Record<
    string,
    { Properties: Record<string, unknown> } & Record<string, unknown>
  >;
}
