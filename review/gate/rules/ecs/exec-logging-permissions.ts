import { GateRule, Violation } from '../../rule';
import { asArray, grantsAction, Located, resolveResource, resourcesOf, statementsOf } from '../../template';

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:DescribeLogGroups'];
const SSM_ACTIONS = ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'];

/**
 * The SSM agent in the task writes ECS Exec session logs with the task
 * role, not the execution role: when the cluster logs sessions (DEFAULT
 * uses the container's awslogs group, OVERRIDE names one), the task role
 * needs the CloudWatch Logs actions, or the session is not recorded.
 */
export const EcsExecLoggingPermissions: GateRule = {
  id: 'EcsExecLoggingPermissions',
  summary: "A service with ECS Exec on, in a cluster that logs exec sessions to CloudWatch Logs, has a task role allowed to open the SSM channels and write the session log.",
  documentation:
    'Amazon ECS, "Monitor Amazon ECS containers with ECS Exec": IAM permissions required for ECS Exec and for Amazon CloudWatch Logs logging https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html',
  fix: 'grant the task role logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents on the session log group and logs:DescribeLogGroups, besides the ssmmessages actions',
  evaluate(input) {
    const violations: Violation[] = [];
    const policies = resourcesOf(input.deployment, 'AWS::IAM::Policy');
    const statementsFor = (role: Located) => [
      ...policies
        .filter((p) => asArray(p.resource.Properties?.Roles).some((r) => {
          const target = resolveResource(input.deployment, p.stack, r);
          return target?.stack === role.stack && target.logicalId === role.logicalId;
        }))
        .flatMap((p) => statementsOf(p.resource.Properties?.PolicyDocument)),
      ...(asArray(role.resource.Properties?.Policies) as any[]).flatMap((p) => statementsOf(p.PolicyDocument)),
    ];
    for (const service of resourcesOf(input.deployment, 'AWS::ECS::Service')) {
      if (service.resource.Properties?.EnableExecuteCommand !== true) continue;
      const cluster = resolveResource(input.deployment, service.stack, service.resource.Properties?.Cluster);
      const exec = cluster?.resource.Properties?.Configuration?.ExecuteCommandConfiguration;
      const logging: string = exec?.Logging ?? 'DEFAULT';
      const td = resolveResource(input.deployment, service.stack, service.resource.Properties?.TaskDefinition);
      if (!td) continue;
      const awslogs = (asArray(td.resource.Properties?.ContainerDefinitions) as any[]).some((c) => c.LogConfiguration?.LogDriver === 'awslogs');
      const logsToCloudWatch = logging === 'OVERRIDE' ? exec?.LogConfiguration?.CloudWatchLogGroupName !== undefined : logging === 'DEFAULT' && awslogs;
      const role = resolveResource(input.deployment, td.stack, td.resource.Properties?.TaskRoleArn);
      if (!role) {
        violations.push({ stack: service.stack, logicalId: service.logicalId, message: 'ECS Exec is on but the task definition has no task role: the SSM agent cannot open a session' });
        continue;
      }
      const allows = statementsFor(role).filter((s) => s.Effect === 'Allow');
      const missing = [...SSM_ACTIONS, ...(logsToCloudWatch ? LOG_ACTIONS : [])].filter((a) => !allows.some((s) => grantsAction(s, a)));
      if (missing.length > 0) {
        violations.push({
          stack: service.stack,
          logicalId: service.logicalId,
          message: `ECS Exec is on${logsToCloudWatch ? ` and the cluster logs sessions (${logging}) to CloudWatch Logs` : ''}, but task role ${role.stack} ${role.logicalId} lacks ${missing.join(', ')}: sessions ${logsToCloudWatch ? 'go unrecorded' : 'cannot open'}`,
        });
      }
    }
    return violations;
  },
};
