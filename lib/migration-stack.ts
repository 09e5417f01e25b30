import { CfnOutput, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ServiceConfig } from '../config';
import {
  AppTask,
} from '../constructs';
import { BlueprintStack } from './blueprint-stack';
import { AppRuntime, RuntimeStackProps, tasksGroup } from './app-runtime';

export interface MigrationStackProps extends RuntimeStackProps {
  readonly service: ServiceConfig;
}

/**
 * A web service's database migration: a task definition with the service's
 * image, settings and database access, run on demand. Its own stack, which
 * the service's depends on, so it can be deployed, run and checked before
 * the new version rolls out (docs/deploy.md, ADR 0012).
 */
export class MigrationStack extends BlueprintStack {
  public readonly task: AppTask;
  /** The deployment's shared task security group, which the data tier admits. */
  public readonly securityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: MigrationStackProps) {
    super(scope, id, props);
    const { config: c, data, app, service: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    // A one-off run: no tracing sidecar to outlive it.
    this.task = new AppTask(this, 'Task', { ...runtime.taskProps(s), command: s.migrationCommand, tracing: undefined });
    this.securityGroup = tasksGroup(this, app);
    runtime.wire(this.task, s);

    const cluster = app.cluster.clusterName;
    const subnets = data.network.vpc.selectSubnets(data.network.subnets('private')).subnetIds;
    const network = Fn.join('', ['awsvpcConfiguration={subnets=[', Fn.join(',', subnets), '],securityGroups=[', this.securityGroup.securityGroupId, '],assignPublicIp=DISABLED}']);
    new CfnOutput(this, 'MigrationCommand', {
      description: `Runs ${s.name}'s migration and waits for it; prints the container's exit code (0 = success)`,
      value: Fn.join('', [
        `TASK=$(aws ecs run-task --cluster `, cluster,
        ` --task-definition `, this.task.taskDefinition.taskDefinitionArn,
        ` --launch-type FARGATE --network-configuration '`, network,
        `' --query 'tasks[0].taskArn' --output text) && aws ecs wait tasks-stopped --cluster `, cluster,
        ` --tasks $TASK && aws ecs describe-tasks --cluster `, cluster,
        ` --tasks $TASK --query 'tasks[0].containers[?name==\`${this.task.container.containerName}\`].exitCode' --output text`,
      ]),
    });
  }
}
