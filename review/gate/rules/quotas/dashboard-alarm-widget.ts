import { GateRule, Violation } from '../../rule';
import { flatten, resourcesOf } from '../../template';

export const MAX_ALARMS_PER_WIDGET = 100;

/** The number of alarms in each alarm widget of a dashboard body, parsed offline (tokens become placeholders). */
export function alarmWidgetSizes(body: unknown): Array<{ title: string; alarms: number }> {
  let parsed: any;
  try {
    parsed = JSON.parse(flatten(body));
  } catch {
    return [];
  }
  return (parsed?.widgets ?? [])
    .filter((w: any) => w?.type === 'alarm')
    .map((w: any) => ({ title: String(w.properties?.title ?? '(untitled)'), alarms: (w.properties?.alarms ?? []).length }));
}

export const DashboardAlarmWidgetQuota: GateRule = {
  id: 'DashboardAlarmWidgetQuota',
  summary: `A dashboard alarm widget holds at most ${MAX_ALARMS_PER_WIDGET} alarms.`,
  documentation:
    'Amazon CloudWatch, "Dashboard body structure and syntax", alarm widget: "alarms: an array of alarm ARNs ... 1-100" https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html',
  fix: `split the alarms over several widgets of at most ${MAX_ALARMS_PER_WIDGET} each`,
  evaluate(input) {
    const violations: Violation[] = [];
    for (const d of resourcesOf(input.deployment, 'AWS::CloudWatch::Dashboard')) {
      for (const w of alarmWidgetSizes(d.resource.Properties?.DashboardBody)) {
        if (w.alarms > MAX_ALARMS_PER_WIDGET) {
          violations.push({
            stack: d.stack,
            logicalId: d.logicalId,
            message: `alarm widget "${w.title}" holds ${w.alarms} alarms (at most ${MAX_ALARMS_PER_WIDGET}): PutDashboard rejects the body and the stack fails`,
          });
        }
      }
    }
    return violations;
  },
};
