import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { deploymentName, ScheduleConfig } from '../config';
import {
  ScheduledTask,
  scheduleSpecs,
  SlaAlarms,
} from '../constructs';
import { AppRuntime, RuntimeStackProps, taskAlarms, tasksGroup } from './app-runtime';
import { BlueprintStack } from './blueprint-stack';

export interface ScheduleStackProps extends RuntimeStackProps {
  readonly schedule: ScheduleConfig;
  /** Whether the schedule starts tasks: not in a standby region until a failover promotes it. */
  readonly enabled: boolean;
}

/**
 * One scheduled task: its task definition, EventBridge Scheduler schedule,
 * dead-letter queue and alarms. A stack per schedule, like workers: each
 * deploys, changes image and is removed on its own, and no stack nears
 * CloudFormation's resource limit as jobs are added.
 */
export class ScheduleStack extends BlueprintStack {
  public readonly job: ScheduledTask;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: ScheduleStackProps) {
    super(scope, id, props);
    const { config: c, data, app, schedule: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    const prefix = deploymentName(c);
    // Imported by ARN: a grant through the key object would edit the data stack's key policy.
    const key = kms.Key.fromKeyArn(this, 'DataKey', data.dataKey.key.keyArn);
    this.job = new ScheduledTask(this, 'Job', {
      ...runtime.taskProps({ ...s, image: s.image ?? c.services[0]!.image }),
      command: s.command,
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      securityGroup: tasksGroup(this, app),
      schedule: s.schedule,
      timeZone: s.timezone,
      scheduleGroupName: `${prefix}-${s.name}`,
      retries: s.retries,
      maxEventAge: Duration.seconds(s.maxEventAgeSeconds),
      deadLetterKey: key,
      enabled: props.enabled,
    });
    runtime.wire(this.job.task, s);

    this.alarms = taskAlarms(this, app, scheduleSpecs(prefix, c.sla.saturation.deadLetterMessages, s.name, this.job.deadLetterQueue, `${prefix}-${s.name}`, this.job.failedRuns));
  }
}
