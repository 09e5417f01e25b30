import { Duration, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { deploymentName, WorkerConfig } from '../config';
import {
  queueSpecs,
  serviceSaturationSpecs,
  SlaAlarms,
  Worker,
  WorkerScaling,
} from '../constructs';
import { AppRuntime, RuntimeStackProps, taskAlarms, tasksGroup } from './app-runtime';
import { BlueprintStack } from './blueprint-stack';

export interface WorkerStackProps extends RuntimeStackProps {
  readonly worker: WorkerConfig;
}

/** A worker's scaling settings as the construct takes them. */
function workerScaling(s: WorkerConfig['scaling']): WorkerScaling {
  const cooldowns = (x: { scaleOutCooldownSeconds: number; scaleInCooldownSeconds: number }) => ({
    scaleOutCooldown: Duration.seconds(x.scaleOutCooldownSeconds),
    scaleInCooldown: Duration.seconds(x.scaleInCooldownSeconds),
  });
  switch (s.signal) {
    case 'backlog':
      return { signal: 'backlog', minTasks: s.minTasks, maxTasks: s.maxTasks, backlogPerTask: s.backlogPerTask, ...cooldowns(s) };
    case 'cpu':
      return { signal: 'cpu', minTasks: s.minTasks, maxTasks: s.maxTasks, cpuTargetPercent: s.cpuTargetPercent, ...cooldowns(s) };
    case 'metric':
      return {
        signal: 'metric',
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        metric: new cloudwatch.Metric({ namespace: s.namespace, metricName: s.metricName, dimensionsMap: { ...s.dimensions }, statistic: s.statistic }),
        targetValue: s.targetValue,
        ...cooldowns(s),
      };
    case 'schedule':
      return {
        signal: 'schedule',
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        timeZone: TimeZone.of(s.timezone),
        actions: s.actions.map((a) => ({ name: a.name, schedule: appscaling.Schedule.expression(a.schedule), minTasks: a.minTasks, maxTasks: a.maxTasks })),
      };
    default:
      return s;
  }
}

/**
 * One worker: its task, Fargate service, scaling and saturation alarms; its
 * queue's alarms when it has the kit's queue.
 */
export class WorkerStack extends BlueprintStack {
  public readonly worker: Worker;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: WorkerStackProps) {
    super(scope, id, props);
    const { config: c, data, app, worker: w } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    const queues = data.queues.get(w.name);
    this.worker = new Worker(this, 'Worker', {
      ...runtime.taskProps(w),
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      queue: queues ? { queue: queues.queue, key: data.dataKey.key } : undefined,
      scaling: workerScaling(w.scaling),
      healthCheck: w.containerHealthCommand === null ? undefined : {
        command: w.containerHealthCommand,
        interval: Duration.seconds(w.containerHealthCheck.intervalSeconds),
        timeout: Duration.seconds(w.containerHealthCheck.timeoutSeconds),
        retries: w.containerHealthCheck.retries,
        startPeriod: Duration.seconds(w.containerHealthCheck.startPeriodSeconds),
      },
      ecsExec: c.operatorAccess.ecsExec,
      securityGroup: tasksGroup(this, app),
    });
    runtime.wire(this.worker.task, w);

    const prefix = deploymentName(c);
    this.alarms = taskAlarms(this, app, [
      ...(queues ? queueSpecs(prefix, c.sla.saturation, w.name, queues.queue, queues.deadLetterQueue) : []),
      ...serviceSaturationSpecs(prefix, c.sla.saturation, w.name, this.worker.service),
    ]);
  }
}
