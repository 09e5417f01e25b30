import { GateRule } from '../../rule';
import { planOf } from './plan-of';

export const CustomNamedReplacement: GateRule = {
  id: 'CustomNamedReplacement',
  summary: 'An upgrade from the previous phase replaces no resource that keeps a custom name.',
  documentation:
    'AWS CloudFormation, "Name type": "If you specify a name, you cannot perform updates that require replacement of this resource" https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html',
  fix: 'keep the properties that force a replacement unchanged between phases, or change the name with them (a new resource, deliberately) and migrate',
  evaluate(input) {
    return (planOf(input)?.changes ?? [])
      .filter((c) => c.blocked && c.note?.includes('custom name'))
      .map((c) => ({ stack: c.stack, logicalId: c.logicalId, message: `${c.type} is ${c.impact} (${c.causes.join(', ')}) but keeps its ${c.note!.split(':')[0]}: the update fails` }));
  },
};
