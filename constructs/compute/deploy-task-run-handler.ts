/**
 * The two handlers of a `DeployTaskRun` provider, as the source of one
 * inline Lambda module (index.js): plain CommonJS on the Node.js runtime's
 * own AWS SDK v3, so nothing is bundled. Tests load this exact text with a
 * stand-in `@aws-sdk/client-ecs`.
 *
 * - `onEvent` starts the task on Create and Update and returns its ARN as
 *   the physical id, which the provider framework hands to `isComplete`.
 *   Delete starts nothing: what the task did stays done.
 * - `isComplete` answers false until the task is STOPPED, then true when
 *   the essential container exited 0; otherwise it throws, and the framework
 *   fails the resource (so the deploy) with that message.
 */
export const DEPLOY_TASK_RUN_HANDLER = `'use strict';
const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require('@aws-sdk/client-ecs');
const ecs = new ECSClient({});

exports.onEvent = async (event) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const p = event.ResourceProperties;
  const out = await ecs.send(new RunTaskCommand({
    cluster: p.Cluster,
    taskDefinition: p.TaskDefinition,
    launchType: 'FARGATE',
    count: 1,
    startedBy: 'cloudformation',
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: 'DISABLED' } },
  }));
  const task = (out.tasks || [])[0];
  if (!task) throw new Error('RunTask started no task: ' + JSON.stringify(out.failures || []));
  return { PhysicalResourceId: task.taskArn };
};

exports.isComplete = async (event) => {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const p = event.ResourceProperties;
  const out = await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [event.PhysicalResourceId] }));
  const task = (out.tasks || [])[0];
  if (!task) throw new Error('task ' + event.PhysicalResourceId + ' not found: ' + JSON.stringify(out.failures || []));
  if (task.lastStatus !== 'STOPPED') return { IsComplete: false };
  const container = (task.containers || []).find((c) => c.name === p.Container) || {};
  if (container.exitCode === 0) return { IsComplete: true };
  throw new Error('task ' + task.taskArn + ' stopped with exit code ' + container.exitCode + (container.reason ? ' (' + container.reason + ')' : '')
    + ': ' + task.stopCode + ', ' + task.stoppedReason + '; its log: ' + p.LogGroup);
};
`;
