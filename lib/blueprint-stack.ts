import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface BlueprintStackProps extends StackProps {
  /** The zones to use, from config: never looked up, so synth needs no credentials. */
  readonly zones: readonly string[];
}

/** A stack whose availability zones come from configuration. */
export class BlueprintStack extends Stack {
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: BlueprintStackProps) {
    super(scope, id, props);
    this.zones = [...props.zones];
    // What aws-cdk-lib acknowledges itself when a stack looks its zones up.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'Zones come from configuration on purpose: synth needs no credentials, and a subnet\'s zone must never change under it.',
    });
  }

  override get availabilityZones(): string[] {
    return this.zones;
  }
}
