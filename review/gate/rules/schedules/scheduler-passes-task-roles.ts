import { GateRule, Violation } from '../../rule';
import { asArray, conditionKeys, grantsAction, Located, resolveResource } from '../../template';
import { ecsSchedules, roleStatements } from './scheduler-role';

const key = (r: Located): string => `${r.stack}/${r.logicalId}`;

/**
 * EventBridge Scheduler starts an ECS task with the schedule's execution
 * role, which must be allowed ecs:RunTask on the task definition and
 * iam:PassRole on the task's roles; passing more roles, or to any service,
 * lets whoever edits a schedule run as any role.
 */
export const SchedulerPassesTaskRoles: GateRule = {
  id: 'SchedulerPassesTaskRoles',
  summary:
    "An ECS-target schedule's execution role may run tasks (ecs:RunTask) and pass exactly the task definition's task and execution roles, only to ecs-tasks.amazonaws.com (iam:PassedToService).",
  documentation:
    'EventBridge Scheduler User Guide, "Using templated targets in EventBridge Scheduler" (Amazon ECS RunTask) and "Setting up the execution role" https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role; IAM User Guide, "Granting a user permissions to pass a role to an AWS service" https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  fix: 'grant the scheduler role ecs:RunTask on the task definition family and iam:PassRole on exactly the task role and the execution role, with the condition iam:PassedToService = ecs-tasks.amazonaws.com',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const { schedule, role, taskDefinition } of ecsSchedules(input.deployment)) {
      const at = { stack: schedule.stack, logicalId: schedule.logicalId };
      if (!role || !taskDefinition) continue;
      const statements = roleStatements(input.deployment, role);
      if (!statements.some((s) => grantsAction(s, 'ecs:RunTask'))) {
        violations.push({ ...at, message: 'the scheduler role may not call ecs:RunTask: every start fails' });
      }
      const wanted = [taskDefinition.resource.Properties?.TaskRoleArn, taskDefinition.resource.Properties?.ExecutionRoleArn]
        .filter((r) => r !== undefined)
        .map((r) => resolveResource(input.deployment, taskDefinition.stack, r))
        .filter((r): r is Located => r !== undefined);
      const pass = statements.filter((s) => grantsAction(s, 'iam:PassRole'));
      const passed = pass.flatMap((s) =>
        asArray(s.Resource).map((r) => (r === '*' || (typeof r === 'string' && r.includes('*')) ? '*' : resolveResource(input.deployment, (s as { stack?: string }).stack ?? role.stack, r))),
      );
      if (passed.includes('*')) violations.push({ ...at, message: 'the scheduler role may pass any role (a wildcard resource on iam:PassRole)' });
      const passedKeys = new Set(passed.filter((r): r is Located => typeof r === 'object' && r !== undefined).map(key));
      const missing = wanted.filter((r) => !passedKeys.has(key(r)));
      if (missing.length > 0) violations.push({ ...at, message: `the scheduler role may not pass ${missing.map((r) => r.logicalId).join(', ')}: ECS refuses RunTask` });
      const extra = [...passedKeys].filter((k) => !wanted.some((r) => key(r) === k));
      if (extra.length > 0) violations.push({ ...at, message: `the scheduler role may pass roles the task does not use: ${extra.join(', ')}` });
      if (pass.some((s) => !conditionKeys(s).includes('iam:passedtoservice'))) {
        violations.push({ ...at, message: 'iam:PassRole is not conditioned on iam:PassedToService: the roles could be passed to any service' });
      }
    }
    return violations;
  },
};
