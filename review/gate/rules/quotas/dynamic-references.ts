import { GateRule, Violation } from '../../rule';

/** Dynamic references (`{{resolve:...}}`) CloudFormation accepts in one stack template. */
export const MAX_DYNAMIC_REFERENCES = 60;

/**
 * Every `{{resolve:` in a template is one dynamic reference, also where
 * aws-cdk-lib splits one across Fn::Join fragments around the secret's ARN:
 * the opening fragment holds the whole prefix. Connection URL secrets (ADR
 * 0031) hold one per URL, beside the AUTH tokens the groups read.
 */
export function dynamicReferences(template: unknown): number {
  return (JSON.stringify(template).match(/\{\{resolve:/g) ?? []).length;
}

export const DynamicReferenceQuota: GateRule = {
  id: 'DynamicReferenceQuota',
  summary: `A stack template holds at most ${MAX_DYNAMIC_REFERENCES} dynamic references.`,
  documentation:
    'AWS CloudFormation, "Get values stored in other services using dynamic references", General considerations: "You can include up to 60 dynamic references in a stack template" https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html',
  fix: 'read fewer Redis databases through connectionUrls (each URL is one reference in its group\'s URL secret), or fewer Redis groups in one data stack',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const [stack, { template }] of Object.entries(input.deployment)) {
      const count = dynamicReferences(template);
      if (count > MAX_DYNAMIC_REFERENCES) {
        violations.push({ stack, logicalId: '(template)', message: `the template holds ${count} dynamic references (at most ${MAX_DYNAMIC_REFERENCES}): CloudFormation rejects it` });
      }
    }
    return violations;
  },
};
