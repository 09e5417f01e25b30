import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';
import { loadBalancerErrorRate, Route } from './sla-alarms';

export interface BurnRateRule {
  /** How many times faster than "exactly the budget" errors must arrive. */
  readonly burnRate: number;
  readonly longWindowMinutes: number;
  readonly shortWindowMinutes: number;
  readonly route: Route;
}

export interface BurnRateAlarmsProps {
  /** Prefix of every alarm name, e.g. `shop-prod`. */
  readonly prefix: string;
  /** Availability objective, percent (99.9 leaves an error budget of 0.1%). */
  readonly availabilityPercent: number;
  readonly rules: readonly BurnRateRule[];
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly topics: { readonly page: sns.ITopic; readonly notify: sns.ITopic };
  readonly runbookUrl: string;
}

const DAY_MINUTES = 1440;

/**
 * Multi-window, multi-burn-rate alerts on the availability SLO. Each rule is
 * two window alarms (error ratio above burn rate × error budget) joined by
 * AND; the rules of one route are joined by OR into a composite alarm, the
 * only one that notifies. Windows longer than a day are whole days, every
 * one of which must burn.
 */
export class BurnRateAlarms extends Construct {
  /** One composite alarm per route that has rules. */
  public readonly composites: ReadonlyMap<Route, cloudwatch.CompositeAlarm>;
  /** The window alarms, without actions of their own. */
  public readonly windows: readonly cloudwatch.Alarm[];
  public readonly errorBudget: number;

  constructor(scope: Construct, id: string, props: BurnRateAlarmsProps) {
    super(scope, id);
    this.errorBudget = (100 - props.availabilityPercent) / 100;
    const windows: cloudwatch.Alarm[] = [];
    const byRoute = new Map<Route, cloudwatch.IAlarmRule[]>();

    props.rules.forEach((rule, i) => {
      const window = (minutes: number, kind: string): cloudwatch.Alarm => {
        const days = minutes > DAY_MINUTES ? minutes / DAY_MINUTES : 1;
        const alarm = new cloudwatch.Alarm(this, `Rule${i + 1}${kind}`, {
          alarmName: `${props.prefix}-burn-${rule.burnRate}x-${minutes}m`,
          alarmDescription: `Error ratio over ${minutes} minutes is above ${rule.burnRate} x the error budget (${(this.errorBudget * 100).toFixed(3)}%). Part of a burn-rate rule; the composite alarm notifies. Runbook: ${props.runbookUrl}#availability-burn-rate`,
          metric: loadBalancerErrorRate(props.loadBalancer, Duration.minutes(minutes > DAY_MINUTES ? DAY_MINUTES : minutes), 'error ratio', 1),
          threshold: rule.burnRate * this.errorBudget,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: days,
          datapointsToAlarm: days,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        acknowledge(
          alarm,
          'A burn-rate window alarm is an input of a composite alarm, which carries the actions; actions here too would notify twice for one burn.',
          ...inCompliancePacks('CloudWatchAlarmAction', 'PCI.DSS.321'),
          controlTower('cloudwatch_alarm_action_check'),
        );
        windows.push(alarm);
        return alarm;
      };
      const both = cloudwatch.AlarmRule.allOf(window(rule.longWindowMinutes, 'Long'), window(rule.shortWindowMinutes, 'Short'));
      byRoute.set(rule.route, [...(byRoute.get(rule.route) ?? []), both]);
    });

    const composites = new Map<Route, cloudwatch.CompositeAlarm>();
    for (const [route, rules] of byRoute) {
      const composite = new cloudwatch.CompositeAlarm(this, `${route === 'page' ? 'Page' : 'Notify'}`, {
        compositeAlarmName: `${props.prefix}-availability-burn-${route}`,
        alarmDescription: `The ${props.availabilityPercent}% availability objective's error budget is burning fast enough to ${route === 'page' ? 'run out within days' : 'run out within the month'}. Runbook: ${props.runbookUrl}#availability-burn-rate`,
        alarmRule: cloudwatch.AlarmRule.anyOf(...rules),
      });
      composite.addAlarmAction(new actions.SnsAction(props.topics[route]));
      composite.addOkAction(new actions.SnsAction(props.topics[route]));
      composites.set(route, composite);
    }
    this.composites = composites;
    this.windows = windows;
  }
}
