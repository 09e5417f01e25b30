import { GateRule, Violation } from '../../rule';

export const MAX_RESOURCES_PER_STACK = 500;
export const MAX_OUTPUTS_PER_STACK = 200;
/** A template the CDK CLI uploads to S3 before deploying: the S3 template-body quota. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

export const StackQuotas: GateRule = {
  id: 'StackQuotas',
  summary: `A stack has at most ${MAX_RESOURCES_PER_STACK} resources and ${MAX_OUTPUTS_PER_STACK} outputs, and its template is at most 1 MB.`,
  documentation: 'AWS CloudFormation, "Understand CloudFormation quotas" https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html',
  fix: 'split the stack (a stack per service or per worker, as the kit does), or move repeated resources into their own stack',
  evaluate(input) {
    const violations: Violation[] = [];
    for (const [stack, { template }] of Object.entries(input.deployment)) {
      const resources = Object.keys(template.Resources ?? {}).length;
      const outputs = Object.keys(template.Outputs ?? {}).length;
      // The CLI writes templates with one-space indentation; that is the size it uploads.
      const bytes = Buffer.byteLength(JSON.stringify(template, undefined, 1));
      const problems = [
        resources > MAX_RESOURCES_PER_STACK ? `${resources} resources (at most ${MAX_RESOURCES_PER_STACK})` : undefined,
        outputs > MAX_OUTPUTS_PER_STACK ? `${outputs} outputs (at most ${MAX_OUTPUTS_PER_STACK})` : undefined,
        bytes > MAX_TEMPLATE_BYTES ? `a ${(bytes / 1024 / 1024).toFixed(2)} MB template (at most 1 MB)` : undefined,
      ].filter((p) => p !== undefined);
      if (problems.length > 0) violations.push({ stack, logicalId: '(template)', message: `the stack has ${problems.join(', ')}: CloudFormation rejects it` });
    }
    return violations;
  },
};
