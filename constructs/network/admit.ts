import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Lets `peer` reach `target` on `port`. The rule is created beside the peer:
 * when the peer lives in a stack that depends on the target's (a service
 * reaching the database), the rule lands in the dependent stack and the
 * stateful stack never references it.
 */
export function admitFrom(target: ec2.ISecurityGroup, port: ec2.Port, peer: ec2.ISecurityGroup, description: string): void {
  target.addIngressRule(peer, port, description, true);
}
