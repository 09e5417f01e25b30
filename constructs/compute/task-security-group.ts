import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * Rules per security group and direction, by default (adjustable; rules per
 * group times groups per network interface may not exceed 1,000).
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const SECURITY_GROUP_RULE_QUOTA = 60;

export interface TaskSecurityGroupProps {
  readonly vpc: ec2.IVpc;
  /** The load balancer's group: admitted on `ports`, and allowed out to the tasks on them. */
  readonly loadBalancer: ec2.ISecurityGroup;
  /** The container ports the load balancer reaches; duplicates collapse into one rule. */
  readonly ports: readonly number[];
  /**
   * Rules one group may hold per direction.
   * @default SECURITY_GROUP_RULE_QUOTA (60)
   */
  readonly ruleQuota?: number;
}

/**
 * One security group for every application task of a deployment (web
 * services, workers, migrations), egress open. The load balancer and the data
 * tier each admit it with one rule per port, however many services there are:
 * a group per service would add a rule per service to the load balancer's
 * egress and to the database's and cache's ingress, and 61 services would
 * exceed the 60-rule quota. Tasks in the group do not reach each other (no
 * self-referencing rule).
 */
export class TaskSecurityGroup extends Construct {
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TaskSecurityGroupProps) {
    super(scope, id);
    const quota = props.ruleQuota ?? SECURITY_GROUP_RULE_QUOTA;
    const ports = [...new Set(props.ports)].sort((a, b) => a - b);
    if (ports.length > quota) {
      throw new Error(`${this.node.path}: ${ports.length} distinct container ports need ${ports.length} rules on the load balancer's security group; its quota is ${quota} per direction (VPC rules per security group)`);
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'Group', {
      vpc: props.vpc,
      // Immutable (a new description replaces the group): the rules say who is admitted.
      description: 'Application tasks: admit the load balancer on the service container ports',
      allowAllOutbound: true,
    });
    for (const port of ports) {
      this.securityGroup.connections.allowFrom(props.loadBalancer, ec2.Port.tcp(port), `Load balancer to tasks on ${port}`);
    }
  }
}
