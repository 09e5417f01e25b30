import { GateRule } from '../../rule';
import { planOf } from './plan-of';

export const StrandedConsumer: GateRule = {
  id: 'StrandedConsumer',
  summary: 'An upgrade neither removes an output another stack reads nor replaces the resource behind it.',
  documentation:
    'AWS CloudFormation, "Fn::GetStackOutput" (resolved when the consuming resource is created or updated) and "Fn::ImportValue" (an export in use cannot be changed or deleted) https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html',
  fix: 'keep the producer and its output stable across phases, or change the consumer in the same upgrade so that it reads the new value',
  evaluate(input) {
    return (planOf(input)?.stranded ?? []).map((s) => ({ stack: s.consumer, logicalId: s.consumerLogicalId, message: s.reason }));
  },
};
