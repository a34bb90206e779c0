import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { StatelessStack } from './api/stateless-stack.ts';
import type { StageConfig } from './config/stage-config.ts';
import { StatefulStack } from './data/stateful-stack.ts';

/** The stacks of one stage. */
export interface PlumblineStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Stack names of a stage: `Plumbline-<stage>-Stateful` and `Plumbline-<stage>-Stateless`. */
export function stackNames(stage: string): { stateful: string; stateless: string } {
  return { stateful: `Plumbline-${stage}-Stateful`, stateless: `Plumbline-${stage}-Stateless` };
}

/**
 * Adds one stage of Plumbline to a CDK app: the stateful and the stateless
 * stack, pinned to the configured region (and account, when given), tagged,
 * and checked by cdk-nag's AwsSolutions and Serverless packs, so synthesis
 * fails on any unacknowledged finding.
 *
 * @example
 * const app = new App();
 * definePlumbline(app, stageConfigFrom(app.node));
 */
export function definePlumbline(app: App, config: StageConfig): PlumblineStacks {
  const env = { region: config.region, ...(config.account === undefined ? {} : { account: config.account }) };
  const names = stackNames(config.stage);
  const stateful = new StatefulStack(app, names.stateful, {
    config,
    env,
    description: `Plumbline ${config.stage}: table, keys, buckets, topics (retained)`,
  });
  const stateless = new StatelessStack(app, names.stateless, {
    config,
    data: stateful,
    env,
    description: `Plumbline ${config.stage}: HTTP API, Cognito, Lambda functions, alarms`,
  });
  stateless.addStackDependency(stateful);
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('app', 'plumbline');
    Tags.of(stack).add('stage', config.stage);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { stateful, stateless };
}
