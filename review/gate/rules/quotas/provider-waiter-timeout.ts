import { GateRule, Violation } from '../../rule';
import { flatten, resolveResource, resourcesOf } from '../../template';

/** CloudFormation's default, and largest, `ServiceTimeout` of a custom resource, in seconds. */
export const CUSTOM_RESOURCE_MAX_SECONDS = 3600;

/** How long a waiter's retry polls before it gives up: interval × (1 + rate + rate² + … ) over its attempts. */
function pollingSeconds(retry: { IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }): number {
  const interval = retry.IntervalSeconds ?? 1;
  const attempts = retry.MaxAttempts ?? 3;
  const rate = retry.BackoffRate ?? 2;
  return rate === 1 ? interval * attempts : (interval * (rate ** attempts - 1)) / (rate - 1);
}

/**
 * The custom resource provider framework (aws-cdk-lib `custom-resources`)
 * polls `isComplete` from a Step Functions waiter for up to its
 * `totalTimeout` (at most two hours), but CloudFormation gives a custom
 * resource at most `ServiceTimeout` seconds (1 to 3,600, default 3,600)
 * and then fails it with a bare timeout: the waiter's own failure, which
 * carries the reason, never arrives, and the rollback waits as long again.
 */
export const ProviderWaiterWithinTimeout: GateRule = {
  id: 'ProviderWaiterWithinTimeout',
  summary: "A custom resource served by the provider framework's waiter gives up before CloudFormation's ServiceTimeout (at most 3,600 seconds) does.",
  documentation:
    'AWS CloudFormation, "AWS::CloudFormation::CustomResource: ServiceTimeout" https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html; AWS CDK, "custom-resources: Provider totalTimeout" https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources.ProviderProps.html',
  fix: "lower the Provider's totalTimeout (queryInterval × attempts) below the custom resource's serviceTimeout, or raise serviceTimeout up to 3,600 seconds",
  evaluate(input) {
    const violations: Violation[] = [];
    for (const custom of resourcesOf(input.deployment)) {
      const type = custom.resource.Type;
      if (type !== 'AWS::CloudFormation::CustomResource' && !type.startsWith('Custom::')) continue;
      const handler = resolveResource(input.deployment, custom.stack, custom.resource.Properties?.ServiceToken);
      if (handler?.resource.Type !== 'AWS::Lambda::Function') continue;
      const waiter = resolveResource(input.deployment, handler.stack, handler.resource.Properties?.Environment?.Variables?.WAITER_STATE_MACHINE_ARN);
      if (waiter?.resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
      let definition: { States?: Record<string, { Retry?: { IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number }[] }> };
      try {
        definition = JSON.parse(flatten(waiter.resource.Properties?.DefinitionString));
      } catch {
        continue;
      }
      const polling = Math.max(0, ...Object.values(definition.States ?? {}).flatMap((s) => (s.Retry ?? []).map(pollingSeconds)));
      const limit = Number(custom.resource.Properties?.ServiceTimeout ?? CUSTOM_RESOURCE_MAX_SECONDS);
      if (polling >= limit) {
        violations.push({
          stack: custom.stack,
          logicalId: custom.logicalId,
          message: `its provider's waiter ${waiter.logicalId} polls for up to ${Math.round(polling)} s, but CloudFormation fails the resource after ${limit} s, without the waiter's reason`,
        });
      }
    }
    return violations;
  },
};
