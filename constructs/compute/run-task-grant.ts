import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What a principal needs to start one task definition as a one-off task:
 * ecs:RunTask on any revision of its family (RunTask authorizes the revision
 * it resolves, and a deploy registers a new one), on one cluster only
 * (`ecs:cluster`), and iam:PassRole on exactly the task's two roles, only
 * to ECS tasks (Service Authorization Reference, "Actions, resources, and
 * condition keys for Amazon Elastic Container Service":
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
 * `family` is the wildcard resource an IAM5 acknowledgement names.
 */
export function runTaskGrant(taskDefinition: ecs.TaskDefinition, cluster: ecs.ICluster): { readonly family: string; readonly statements: iam.PolicyStatement[] } {
  const { partition, region, account } = Stack.of(taskDefinition);
  const family = `arn:${partition}:ecs:${region}:${account}:task-definition/${taskDefinition.family}:*`;
  return {
    family,
    statements: [
      new iam.PolicyStatement({ actions: ['ecs:RunTask'], resources: [family], conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } } }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ],
  };
}
