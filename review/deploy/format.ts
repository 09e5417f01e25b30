import { AlarmState, DeploymentPlan } from './guard';
import { impactOf, ReviewedChange } from './review';

const MARKS: Readonly<Record<ReviewedChange['verdict'], string>> = {
  refused: 'REFUSED ',
  warning: 'WARNING ',
  'allowed by override': 'OVERRIDE',
  ok: '        ',
};

function line(c: ReviewedChange): string {
  const why = c.causes.length > 0 ? ` (${c.causes.join(', ')})` : '';
  return `${MARKS[c.verdict]} ${impactOf(c).padEnd(17)} ${c.stateClass.padEnd(9)} ${c.type} ${c.logicalId}${why}${c.reason ? `: ${c.reason}` : ''}`;
}

/** The verdict of a plan (and of the error-budget gate, once checked), one sentence. */
export function verdictOf(plan: DeploymentPlan, alarms: readonly AlarmState[] = []): string {
  const burning = alarms.filter((a) => a.state === 'ALARM');
  if (plan.refused.length > 0) return `REFUSED: ${plan.refused.length} change(s) would replace or remove a durable or custom-named resource.`;
  if (burning.length > 0) return `REFUSED: ${burning.map((a) => `${a.alarmName} (${a.region})`).join(', ')} in ALARM: the error budget is burning (--force "reason" to deploy anyway).`;
  const extra = [
    plan.warnings.length > 0 ? `${plan.warnings.length} warning(s)` : '',
    plan.overridden.length > 0 ? `${plan.overridden.length} deliberate replacement(s) or removal(s) by override` : '',
  ].filter((x) => x !== '');
  return `Safe: no durable resource is replaced or removed${extra.length > 0 ? `; ${extra.join(', ')}` : ''}.`;
}

/** The plan as text, or as Markdown for a pull request's job summary: per stack, one line a change, then the verdict. */
export function formatDeploymentPlan(plan: DeploymentPlan, title: string, options: { readonly markdown?: boolean; readonly alarms?: readonly AlarmState[] } = {}): string {
  const md = options.markdown ?? false;
  const lines = [md ? `### ${title}` : title, ''];
  for (const s of plan.stacks) {
    const head = `${s.stack} (${s.region}): ${s.status}${s.note ? ` (${s.note})` : ''}`;
    lines.push(md ? `**${head}**` : `Stack ${head}`);
    if (s.changes.length > 0) {
      if (md) lines.push('', '```');
      for (const c of s.changes) lines.push(`  ${line(c)}`);
      if (md) lines.push('```');
    }
    lines.push('');
  }
  for (const a of options.alarms ?? []) lines.push(`${md ? '- ' : ''}Error budget: ${a.alarmName} (${a.region}) is ${a.state}`);
  if ((options.alarms ?? []).length > 0) lines.push('');
  lines.push(md ? `**${verdictOf(plan, options.alarms)}**` : verdictOf(plan, options.alarms));
  return lines.join('\n');
}
