import { asArray, Deployment, Located, PolicyStatement, resolveResource, resourcesOf, statementsOf } from '../../template';

/** Every Allow statement of a role: its inline policies and the AWS::IAM::Policy resources attached to it, in any stack. */
export function roleStatements(deployment: Deployment, role: Located): PolicyStatement[] {
  const attached = resourcesOf(deployment, 'AWS::IAM::Policy')
    .filter((p) =>
      asArray(p.resource.Properties?.Roles).some((r) => {
        const target = resolveResource(deployment, p.stack, r);
        return target?.stack === role.stack && target.logicalId === role.logicalId;
      }),
    )
    .map((p) => ({ stack: p.stack, statements: statementsOf(p.resource.Properties?.PolicyDocument) }));
  const inline = (asArray(role.resource.Properties?.Policies) as Array<{ PolicyDocument?: unknown }>).map((p) => ({ stack: role.stack, statements: statementsOf(p.PolicyDocument) }));
  return [...attached, ...inline].flatMap((p) => p.statements.filter((s) => s.Effect === 'Allow').map((s) => Object.assign({}, s, { stack: p.stack })));
}

/** An ECS-target schedule with its execution role and task definition, when the deployment holds them. */
export interface EcsSchedule {
  readonly schedule: Located;
  readonly role?: Located;
  readonly taskDefinition?: Located;
}

export function ecsSchedules(deployment: Deployment): EcsSchedule[] {
  return resourcesOf(deployment, 'AWS::Scheduler::Schedule')
    .filter((s) => s.resource.Properties?.Target?.EcsParameters !== undefined)
    .map((schedule) => {
      const target = schedule.resource.Properties!.Target;
      return {
        schedule,
        role: resolveResource(deployment, schedule.stack, target.RoleArn),
        taskDefinition: resolveResource(deployment, schedule.stack, target.EcsParameters.TaskDefinitionArn),
      };
    });
}
