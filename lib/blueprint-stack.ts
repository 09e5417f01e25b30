import { Stack, StackProps } from 'aws-cdk-lib';
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
  }

  override get availabilityZones(): string[] {
    return this.zones;
  }
}
