import * as iam from 'aws-cdk-lib/aws-iam';
import { ENV } from '../../shared/composition/env-vars.ts';
import type { StatefulStack } from '../data/stateful-stack.ts';
import { viaService } from '../shared/aws-names.ts';
import type { HouseFunction } from '../shared/house-function.ts';

/**
 * Lets a function email through the approvals topic: the topic's ARN in
 * its environment, `sns:Publish` on that topic, and the messaging key
 * through SNS only.
 *
 * @example grantApprovalEmail(fn, data);
 */
export function grantApprovalEmail(fn: HouseFunction, data: StatefulStack): void {
  fn.function.addEnvironment(ENV.approvalsTopicArn, data.approvalsTopic.topicArn);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [data.approvalsTopic.topicArn] }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [data.messagingKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': viaService(fn, 'sns') } },
    }),
  );
}
