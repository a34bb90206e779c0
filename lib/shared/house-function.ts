import { dirname, relative } from 'node:path';
import { AssetHashType, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/composition/env-vars.ts';
import { buildHouseBundle, PROJECT_ROOT } from './house-bundling.ts';

/** The newest Node.js runtime aws-cdk-lib knows (cdk-nag's L1 flags anything older). */
export const HOUSE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Environment variable names a function may set: only those declared in `shared/composition/env-vars.ts`. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Props of {@link HouseFunction}. */
export interface HouseFunctionProps {
  /** Absolute path of the handler file (see `lambdaEntry`). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetentionDays: number;
  /** Variables by their names in `ENV`; the Powertools service name and log level are set for you. */
  environment?: Partial<Record<EnvName, string>>;
  /**
   * How the function is invoked. `synchronous` (API Gateway, Cognito) needs no
   * DLQ; `scheduled` (asynchronous: EventBridge) needs one; `queue` (only an
   * SQS event source, which invokes synchronously) takes none: Lambda's
   * dead-letter queue applies to asynchronous invocations only, and a
   * message that keeps failing moves to its source queue's own dead-letter
   * queue (redrive policy).
   */
  invocation: 'synchronous' | 'scheduled' | 'queue';
  /** Scheduled (asynchronous) functions only: where failed invocations land after Lambda's retries. */
  deadLetterQueue?: sqs.IQueue;
}

/**
 * The one house Lambda construct (ARCHITECTURE rule 8): Node.js on the
 * newest runtime, ARM64, a minified, code-split ESM bundle made by the local
 * esbuild with `buildHouseBundle` (entry `index.mjs` and one shared chunk at
 * cold start; modules imported on first use in chunks beside them, loaded
 * only then), explicit memory and timeout, its own log group with
 * retention, active X-Ray tracing, and its own role that starts with
 * nothing but writing its logs and traces: every other permission is granted
 * explicitly by whoever uses the function.
 *
 * @example
 * const fn = new HouseFunction(this, 'Settings', {
 *   entry: lambdaEntry('http/settings'), description: 'settings routes', memorySize: 512,
 *   timeout: Duration.seconds(10), logRetentionDays: 30, invocation: 'synchronous',
 *   environment: { [ENV.tableName]: table.tableName },
 * });
 */
export class HouseFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      // Logs outlive the stateless stack (retention still expires their events).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents');

    this.function = new lambda.Function(this, 'Function', {
      code: houseBundle(props.entry),
      handler: 'index.handler',
      description: props.description,
      runtime: HOUSE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      environment: {
        [ENV.serviceName]: 'plumbline',
        [ENV.logLevel]: 'INFO',
        ...props.environment,
      },
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support only Resource "*".',
    });
    if (props.invocation === 'scheduled' && !props.deadLetterQueue) {
      throw new Error(`${props.description}: a scheduled function needs a dead-letter queue`);
    }
    if (props.invocation !== 'scheduled' && props.deadLetterQueue) {
      throw new Error(
        `${props.description}: only a scheduled (asynchronous) function uses a dead-letter queue`,
      );
    }
    if (props.invocation === 'synchronous') {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously (API Gateway, Cognito): failures return to the caller, nothing is queued to lose.',
      });
    }
    if (props.invocation === 'queue') {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          "Invoked only by an SQS event source (synchronously): a Lambda dead-letter queue would never be used; a failing message moves to its queue's own dead-letter queue.",
      });
    }
  }
}

/**
 * The code of a function: its entry bundled by the local esbuild (no
 * Docker) into the asset folder, code-split in two passes
 * (`buildHouseBundle`). The asset is named by the hash of that output, so
 * any change to the code it reaches makes a new asset.
 */
function houseBundle(entry: string): lambda.Code {
  return lambda.Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: HOUSE_RUNTIME.bundlingImage,
      // Why: CDK caches bundles by source folder and bundling options; functions whose entries share a
      // folder must differ here, or they would all get the first one's bundle.
      command: ['esbuild', relative(PROJECT_ROOT, entry)],
      local: {
        tryBundle(outputDir: string): boolean {
          buildHouseBundle(entry, outputDir);
          return true;
        },
      },
    },
  });
}
