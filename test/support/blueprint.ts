import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdkJson from '../../cdk.json';
import { BlueprintConfig, ConfigInput, resolveConfig } from '../../config';
import { Blueprint, buildBlueprint, stackName } from '../../lib/blueprint';
import { placeholderCertificateArn } from '../../review/production-settings';

export interface Synthesized {
  readonly config: BlueprintConfig;
  readonly app: App;
  readonly blueprint: Blueprint;
  readonly data: Template;
  readonly appStack: Template;
  /** The first web service's stack (`web` in every preset). */
  readonly web: Template;
  /** A stack's template by role, e.g. `service-api` or `worker-worker`. */
  stack(role: string): Template;
}

/** The feature flags the CLI passes from cdk.json, so tests synthesize what `cdk synth` does. */
export const CDK_CONTEXT: Record<string, unknown> = cdkJson.context;

/**
 * Builds and synthesizes the blueprint for one configuration, with the
 * compliance plugins on: a nag finding makes this throw. Call it once per
 * test file (in a `beforeAll` or at module scope) and share the result.
 */
export function synthesize(input: ConfigInput = {}): Synthesized {
  const config = resolveConfig(input);
  const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false });
  const blueprint = buildBlueprint(app, config);
  const stack = (role: string): Template => {
    const found = app.node.tryFindChild(stackName(config, role));
    if (!found) throw new Error(`no stack for ${role}`);
    return Template.fromStack(found as Stack);
  };
  return {
    config,
    app,
    blueprint,
    data: Template.fromStack(blueprint.data),
    appStack: Template.fromStack(blueprint.app),
    web: stack(`service-${config.services[0]!.name}`),
    stack,
  };
}

/** A certificate ARN in the default region, for HTTPS cases. */
export const TEST_CERTIFICATE_ARN = placeholderCertificateArn('us-east-1');
