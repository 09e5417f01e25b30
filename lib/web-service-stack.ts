import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { deploymentName, ServiceConfig } from '../config';
import {
  serviceAlarmName,
  serviceAlarmSpecs,
  serviceSaturationSpecs,
  SlaAlarms,
  WebService,
  WebServiceDeployment,
} from '../constructs';
import { AppRuntime, RuntimeStackProps, taskAlarms, tasksGroup } from './app-runtime';
import { BlueprintStack } from './blueprint-stack';

/** A service's deployment settings as the web service takes them: only the fields its strategy uses. */
function webDeployment(d: ServiceConfig['deployment']): WebServiceDeployment {
  const bakeTime = Duration.minutes(d.bakeMinutes);
  switch (d.strategy) {
    case 'rolling':
      return { strategy: 'rolling', minHealthyPercent: d.minHealthyPercent, maxPercent: d.maxPercent };
    case 'blue-green':
      return { strategy: 'blue-green', bakeTime };
    default:
      return { strategy: d.strategy, stepPercent: d.stepPercent, bakeTime };
  }
}

export interface WebServiceStackProps extends RuntimeStackProps {
  readonly service: ServiceConfig;
}

/** One web service: its task, Fargate service, listener rule, scaling and SLA alarms. */
export class WebServiceStack extends BlueprintStack {
  public readonly web: WebService;
  public readonly alarms: SlaAlarms;

  constructor(scope: Construct, id: string, props: WebServiceStackProps) {
    super(scope, id, props);
    const { config: c, data, app, service: s } = props;
    const runtime = new AppRuntime(this, data, c, props.emailRegion);
    // The rule is created in this stack. Both security groups are immutable imports: the app
    // stack holds the one rule pair between the load balancer and all tasks, so this stack adds none.
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: app.ingress.listener.listenerArn,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerGroup', app.ingress.securityGroup.securityGroupId, {
        allowAllOutbound: false,
        mutable: false,
      }),
    });

    const task = runtime.taskProps(s);
    this.web = new WebService(this, 'Web', {
      ...task,
      // Proxies in front of the tasks that append to X-Forwarded-For: the load balancer, and CloudFront
      // when there is an edge. The application trusts exactly these (docs/deploy.md, "The client's address").
      environment: { ...task.environment, TRUSTED_PROXY_HOPS: c.edge ? '2' : '1' },
      cluster: app.cluster,
      subnets: data.network.subnets('private'),
      listener,
      capacity: app.ingress,
      securityGroup: tasksGroup(this, app),
      containerPort: s.containerPort,
      healthCheckPath: s.healthCheckPath,
      // [] in the settings: the kit's wget probe.
      containerHealthCommand: s.containerHealthCommand?.length === 0 ? undefined : s.containerHealthCommand,
      healthCheck: {
        interval: Duration.seconds(s.healthCheck.intervalSeconds),
        timeout: Duration.seconds(s.healthCheck.timeoutSeconds),
        healthyThreshold: s.healthCheck.healthyThreshold,
        unhealthyThreshold: s.healthCheck.unhealthyThreshold,
        gracePeriod: Duration.seconds(s.healthCheck.gracePeriodSeconds),
        deregistrationDelay: Duration.seconds(s.healthCheck.deregistrationDelaySeconds),
      },
      pathPatterns: s.pathPatterns,
      hostHeaders: s.hostHeaders,
      requiredHeader: app.originHeader,
      priority: s.priority,
      scaling: s.scaling,
      deployment: webDeployment(s.deployment),
      stickiness: s.stickiness === null ? undefined : { duration: Duration.seconds(s.stickiness.durationSeconds), cookieName: s.stickiness.cookieName },
      ecsExec: c.operatorAccess.ecsExec,
    });
    runtime.wire(this.web.task, s);

    const prefix = deploymentName(c);
    this.alarms = taskAlarms(this, app, [
      ...serviceAlarmSpecs(prefix, c.sla, { name: s.name, service: this.web.service, targetGroup: this.web.targetGroup }),
      ...serviceSaturationSpecs(prefix, c.sla.saturation, s.name, this.web.service),
    ]);
    // A deployment that trips the latency or error-rate alarm rolls back by itself. Names, not
    // references: the alarms watch this service's own metrics.
    this.web.service.enableDeploymentAlarms(
      [serviceAlarmName(prefix, s.name, 'latency-p95'), serviceAlarmName(prefix, s.name, 'error-rate')],
      { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    );
  }
}
