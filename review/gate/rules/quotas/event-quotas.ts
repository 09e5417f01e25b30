import { GateRule, Violation } from '../../rule';
import { Located, resourcesOf } from '../../template';

/** EventBridge Scheduler: schedule groups per account and region. */
export const MAX_SCHEDULE_GROUPS = 500;
/** EventBridge: rules per event bus (adjustable through Service Quotas). */
export const MAX_RULES_PER_BUS = 300;

/**
 * Each scheduled task brings a schedule group of its own and a rule on the
 * default event bus. Both quotas are per account and region and shared with
 * everything else there (other stages in the same account included), so the
 * deployment's own count must stay below them; CloudFormation fails the
 * stack that creates one too many.
 */
export const EventQuotas: GateRule = {
  id: 'EventQuotas',
  summary: `A deployment creates at most ${MAX_SCHEDULE_GROUPS} EventBridge Scheduler schedule groups and ${MAX_RULES_PER_BUS} rules on the default event bus per account and region.`,
  documentation:
    'EventBridge Scheduler User Guide, "Managing a schedule group" (up to 500 schedule groups) https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-group.html and "Quotas for Amazon EventBridge Scheduler" https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html; Amazon EventBridge User Guide, "Amazon EventBridge quotas" https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html',
  fix: 'run fewer scheduled tasks in one account and region (one job may run several commands), or request a higher rules-per-bus quota through Service Quotas',
  evaluate(input) {
    const violations: Violation[] = [];
    const over = (resources: Located[], limit: number, what: string) => {
      const byPlace = new Map<string, Located[]>();
      for (const r of resources) byPlace.set(`${r.account} ${r.region}`, [...(byPlace.get(`${r.account} ${r.region}`) ?? []), r]);
      for (const [place, all] of byPlace) {
        const first = all[limit];
        if (first) violations.push({ stack: first.stack, logicalId: first.logicalId, message: `${all.length} ${what} in account and region ${place}: the quota is ${limit}` });
      }
    };
    over(resourcesOf(input.deployment, 'AWS::Scheduler::ScheduleGroup'), MAX_SCHEDULE_GROUPS, 'EventBridge Scheduler schedule groups');
    // A rule without EventBusName is on the default bus.
    const onDefaultBus = resourcesOf(input.deployment, 'AWS::Events::Rule').filter((r) => [undefined, 'default'].includes(r.resource.Properties?.EventBusName));
    over(onDefaultBus, MAX_RULES_PER_BUS, 'rules on the default event bus');
    return violations;
  },
};
