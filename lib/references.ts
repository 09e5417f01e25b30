import { ReferenceStrength, Stack } from 'aws-cdk-lib';

/**
 * A value read from a stack in another region, as a weak reference
 * (`Fn::GetStackOutput` with the producer's region). Same-region references
 * are strong exports (`Fn::ImportValue`, the cdk.json default), which
 * CloudFormation refuses to remove or change while a stack imports them;
 * across regions a strong reference would put Lambda-backed export
 * writers and readers in the stateful stacks, so these few are weak, by
 * name, each listed in ADR 0018 with what guards it.
 */
export function crossRegion(value: string): string {
  return Stack.consumeReference(value, ReferenceStrength.WEAK);
}
