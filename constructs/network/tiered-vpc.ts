import { Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, controlTower, inCompliancePacks } from '../security/acknowledge';

/** Subnet tier names; also the subnet group names other constructs select by. */
export const SUBNET_TIERS = {
  public: 'public',
  private: 'private',
  data: 'data',
} as const;

/**
 * The fixed CIDR plan. Masks never depend on a phase: a changed mask would
 * renumber, and so replace, every subnet after it.
 */
export const SUBNET_MASKS = {
  public: 24,
  private: 20,
  data: 24,
} as const;

export interface TieredVpcProps {
  /** The VPC's IPv4 block (a /16 or /17). */
  readonly cidr: string;
  /** The availability zones to span; one subnet of each tier per zone. */
  readonly availabilityZones: readonly string[];
  /** NAT gateways, 1 to one per zone. */
  readonly natGateways: number;
  /** Key that encrypts the flow-log group. */
  readonly encryptionKey: kms.IKey;
  /** Flow-log retention, days. */
  readonly flowLogRetention: logs.RetentionDays;
}

/**
 * A VPC with three subnet tiers in every zone: public (load balancer, NAT),
 * private (tasks, egress through NAT) and data (isolated: no route out).
 * The default security group is emptied and every flow is logged.
 */
export class TieredVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;
  /**
   * A customer-managed prefix list of every NAT gateway's Elastic IP (/32),
   * sized for one NAT gateway per zone: a rule admitting the VPC's egress
   * references this one list, whose id never changes with the NAT count.
   */
  public readonly natAddresses: ec2.CfnPrefixList;

  constructor(scope: Construct, id: string, props: TieredVpcProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: SUBNET_TIERS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: SUBNET_MASKS.public, mapPublicIpOnLaunch: false },
        { name: SUBNET_TIERS.private, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: SUBNET_MASKS.private },
        { name: SUBNET_TIERS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: SUBNET_MASKS.data },
      ],
    });

    this.natAddresses = this.natAddressList(props.availabilityZones.length);

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.flowLogGroup, 'Logs are kept for protection.logRetentionDays (30 by default, as docs/architecture.md §8 specifies), not the control\'s one year; raise that setting to 365 where an auditor requires it.', controlTower('cloudwatch_log_group_retention_period_check'));
    // aws-cdk-lib's own provider that empties the default security group: a Lambda outside the VPC by construction.
    const restrictDefaultGroup = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    if (restrictDefaultGroup) {
      acknowledge(
        restrictDefaultGroup,
        'aws-cdk-lib\'s custom-resource handler that strips the default security group\'s rules calls only the EC2 API once per deployment; it needs no VPC access and runs outside the VPC by design.',
        controlTower('lambda_inside_vpc_check'),
      );
    }
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    acknowledge(
      flowLog,
      'The flow-log delivery role\'s only policy is the one CDK attaches to it, granting writes to this VPC\'s flow-log group; it lives and dies with the role.',
      ...inCompliancePacks('IAMNoInlinePolicy'),
    );
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(
        subnet,
        'Public subnets route to the internet gateway by definition: they hold only the internet-facing load balancer and the NAT gateways; tasks and data live in private and isolated subnets.',
        ...inCompliancePacks('VPCNoUnrestrictedRouteToIGW'),
      );
    }
  }

  /**
   * Entries change in place when the NAT count does (AWS::EC2::PrefixList,
   * Entries and MaxEntries "Update requires: No interruption",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-prefixlist.html),
   * so a consumer importing the list's id is never stranded, as it was by
   * one export per Elastic IP. MaxEntries stays at the zone count, the most
   * NAT gateways the VPC can have: EC2 refuses to change a list's entries
   * and its size in one modification (ModifyManagedPrefixList, MaxEntries,
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyManagedPrefixList.html).
   * A rule referencing the list weighs MaxEntries against its security
   * group's rule quota ("Prefix lists concepts and rules",
   * https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html),
   * the same as one rule per possible NAT gateway. An L1 list: aws-cdk-lib's
   * `PrefixList` tests each entry against an IPv4 pattern, which an Elastic
   * IP's address (a token until deploy) fails.
   */
  private natAddressList(maxEntries: number): ec2.CfnPrefixList {
    // aws-cdk-lib's Vpc places an EIP beside each NAT gateway in its public subnet.
    const entries = this.vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild('EIP');
      return eip instanceof ec2.CfnEIP ? [{ cidr: `${eip.attrPublicIp}/32`, description: `NAT gateway in ${subnet.availabilityZone}` }] : [];
    });
    const list = new ec2.CfnPrefixList(this, 'NatAddresses', {
      addressFamily: 'IPv4',
      maxEntries,
      entries,
      // Required; named as aws-cdk-lib's PrefixList names an unnamed list (unique per stack and path).
      prefixListName: Lazy.string({ produce: () => Names.uniqueResourceName(list, { maxLength: 255, allowedSpecialCharacters: '.-_' }) }),
    });
    return list;
  }

  /** Subnets of one tier. */
  subnets(tier: keyof typeof SUBNET_TIERS): ec2.SubnetSelection {
    return { subnetGroupName: SUBNET_TIERS[tier] };
  }
}
