import { Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { viaService } from '../shared/aws-names.ts';
import type { HouseFunction } from '../shared/house-function.ts';

/** What a function does with the reports bucket: read report files or write them, and the other way round for observations. */
export type ReportAccess = 'read-reports' | 'write-reports';

/**
 * Lets a function reach the reports bucket (issue 14) with the bucket name
 * in its environment. `read-reports` (the clusters API): get any report
 * file, put pushed observations only under `<tenant>/observations/`.
 * `write-reports` (the scanner): put report files, get observations only.
 * The clusters API may list the bucket: without `s3:ListBucket`, S3 answers
 * a GetObject of a missing key 403 AccessDenied instead of 404 NoSuchKey
 * (GetObject API reference, Permissions), and a missing report must read as
 * absent. The code never lists. The scanner does not need it: it reads a
 * cluster's observation only once `observedAt` says one was pushed, and
 * observations are never deleted. No delete; the storage key only through S3.
 *
 * @example grantDriftReports(fn, data, 'read-reports');
 */
export function grantDriftReports(fn: HouseFunction, data: StatefulStack, access: ReportAccess): void {
  const bucket = data.reportsBucket;
  const arn = reportsBucketArn(data);
  const everything = `${arn}/*`;
  const observations = `${arn}/*/observations/*`;
  fn.function.addEnvironment(ENV.reportsBucket, bucket.bucketName);
  for (const resource of [everything, observations]) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${exportName(data)}${resource.slice(arn.length)}]`,
      reason:
        "Report keys start with the tenant id (<tenant>/<env>/<cluster>/<scan>.*, <tenant>/observations/<cluster>/latest.json); the object wildcard is the bucket's objects, or only observations, never another bucket.",
    });
  }
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [access === 'read-reports' ? everything : observations],
    }),
  );
  if (access === 'read-reports') {
    // Why: makes a missing key a 404 (NoSuchKey, read as absent) rather than a 403 that fails the caller.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [arn] }));
  }
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [access === 'read-reports' ? observations : everything],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [data.storageKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': viaService(fn, 's3') } },
    }),
  );
}

const exportName = (data: StatefulStack) => `${data.stackName}-DriftReportsBucketArn`;

/**
 * The reports bucket's ARN through a named export of the stateful stack, so
 * the object ARNs (and their cdk-nag acknowledgements) have a stable form.
 */
function reportsBucketArn(data: StatefulStack): string {
  const name = exportName(data);
  return data.node.tryFindChild(`Export${name}`)
    ? Fn.importValue(name)
    : data.exportValue(data.reportsBucket.bucketArn, { name });
}
