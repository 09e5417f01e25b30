import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { CLOUDFRONT_ORIGIN_PREFIX_LISTS, PHASE_PRESETS, resolveConfig } from '../config';
import { planUpgrade, synthesizeTemplates } from '../review/plan';
import { PRODUCTION_SETTINGS } from '../review/production-settings';
import { CDK_CONTEXT, synthesize } from './support/blueprint';

// GIVEN each phase in prod as it runs (domain, hosted zone, HTTPS end to end), synthesized once
const p1 = synthesize({ phase: 'phase1', stage: 'prod', settings: PRODUCTION_SETTINGS });
const p2 = synthesize({ phase: 'phase2', stage: 'prod', settings: PRODUCTION_SETTINGS });
const p3 = synthesize({ phase: 'phase3', stage: 'prod', settings: PRODUCTION_SETTINGS });
// AND phase 2 in eu-west-1 with no domain: plain HTTP to the origin, the edge still in us-east-1
const eu = synthesize({
  phase: 'phase2',
  stage: 'prod',
  settings: { env: { region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } },
});

const ORIGIN_SECRET = '{{resolve:secretsmanager:blueprint-prod/cdn-origin-header:SecretString:::}}';
const standby = PHASE_PRESETS.phase3.standby!;
const LADDER = [
  ['phase1', p1],
  ['phase2', p2],
  ['phase3', p3],
] as const;

describe('edge: only where the phase says', () => {
  test.each(LADDER)('GIVEN %s THEN the edge stack exists exactly when the preset has an edge', (phase, s) => {
    expect(s.blueprint.edge !== undefined).toBe(PHASE_PRESETS[phase].edge !== null);
  });

  test('GIVEN phase 1 THEN the load balancer is the public endpoint, open on its listener ports', () => {
    p1.appStack.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443 })]),
    });
  });

  test('GIVEN any primary region THEN the CDN and its web ACL are in us-east-1', () => {
    expect(p2.blueprint.edge!.region).toBe('us-east-1');
    expect(eu.blueprint.edge!.region).toBe('us-east-1');
    expect(eu.blueprint.app.region).toBe('eu-west-1');
  });
});

describe('ContentDelivery', () => {
  const edge = p2.stack('edge');
  const distribution = (): any => Object.values(edge.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;

  test('THEN every static path of the preset is cached with its TTL, and nothing else is', () => {
    const behaviours = distribution().CacheBehaviors as any[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual(PHASE_PRESETS.phase2.edge!.staticPaths.map((p) => p.pathPattern));
    for (const path of PHASE_PRESETS.phase2.edge!.staticPaths) {
      const policyId = behaviours.find((b) => b.PathPattern === path.pathPattern).CachePolicyId.Ref;
      const policy = edge.findResources('AWS::CloudFront::CachePolicy')[policyId]!.Properties.CachePolicyConfig;
      expect(policy).toMatchObject({ DefaultTTL: path.ttlSeconds, MinTTL: 0 });
    }
    // AWS's managed CachingDisabled policy: dynamic paths always reach the origin.
    expect(distribution().DefaultCacheBehavior).toMatchObject({ CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', ViewerProtocolPolicy: 'redirect-to-https' });
  });

  test('GIVEN a static path in settings THEN the CDN caches it for that TTL', () => {
    const custom = synthesize({ phase: 'phase2', settings: { edge: { staticPaths: [{ pathPattern: '/img/*', ttlSeconds: 600 }] } } }).stack('edge');
    custom.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { CacheBehaviors: [Match.objectLike({ PathPattern: '/img/*' })] },
    });
    custom.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: Match.objectLike({ DefaultTTL: 600 }) });
  });

  test('THEN HTTPS end to end: the viewer certificate for the domain, TLS 1.2 to an HTTPS-only origin', () => {
    expect(distribution()).toMatchObject({
      Aliases: ['app.example.com'],
      ViewerCertificate: { AcmCertificateArn: p2.config.ingress.edgeCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      Origins: [
        {
          DomainName: 'origin.app.example.com',
          CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
          OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: ORIGIN_SECRET }],
        },
      ],
    });
  });

  test('THEN the domain is an alias of the distribution (IPv4 and IPv6), kept in the app stack where phase 1 had it', () => {
    for (const type of ['A', 'AAAA']) {
      p2.appStack.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'app.example.com.',
        Type: type,
        HostedZoneId: 'Z0000000000EXAMPLE',
        AliasTarget: Match.objectLike({ DNSName: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'blueprint-prod-edge' }) } }),
      });
    }
    const logicalId = (s: typeof p1): string[] =>
      Object.entries(s.appStack.findResources('AWS::Route53::RecordSet', { Properties: { Name: 'app.example.com.', Type: 'A' } })).map(([id]) => id);
    expect(logicalId(p2)).toEqual(logicalId(p1));
  });

  test('GIVEN no certificate THEN the origin is the load balancer\'s own name over HTTP, read from its region', () => {
    const origin = Template.fromStack(eu.blueprint.edge!).findResources('AWS::CloudFront::Distribution');
    const config = Object.values(origin)[0]!.Properties.DistributionConfig;
    expect(config.Origins[0].CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
    expect(config.Origins[0].DomainName).toMatchObject({ 'Fn::GetStackOutput': { StackName: 'blueprint-prod-app', Region: 'eu-west-1' } });
  });
});

describe('WebFirewall at the edge', () => {
  test('THEN a CLOUDFRONT web ACL with the rate limit from config and AWS managed rule groups guards the distribution', () => {
    const edge = p2.stack('edge');
    const acl = Object.values(edge.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.Rules.map((r: { Name: string }) => r.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(acl.Rules[0].Statement.RateBasedStatement.Limit).toBe(PHASE_PRESETS.phase2.firewall!.rateLimitPer5Minutes);
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FirewallWebAcl'), 'Arn'] } }),
    });
  });

  test('THEN every request is logged to a KMS-encrypted aws-waf-logs- group in us-east-1', () => {
    const edge = p2.stack('edge');
    edge.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-blueprint-prod-edge',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeKey'), 'Arn'] },
    });
    edge.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });
});

describe('the load balancer behind the CDN', () => {
  test('THEN it admits only CloudFront\'s origin-facing prefix list of its region, on 443 alone (beside the origin check\'s NAT addresses)', () => {
    const ingress = (s: typeof p2): any[] => {
      const group = Object.values(s.appStack.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Public load balancer') } }))[0]!;
      const separate = Object.values(s.appStack.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((r) => /IngressSecurityGroup/.test(JSON.stringify(r.GroupId)));
      return [...(group.Properties.SecurityGroupIngress ?? []), ...separate].filter((r) => !String(r.Description).startsWith('Origin check'));
    };
    expect(ingress(p2)).toEqual([expect.objectContaining({ SourcePrefixListId: CLOUDFRONT_ORIGIN_PREFIX_LISTS['us-east-1'], FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    expect(ingress(eu)).toEqual([expect.objectContaining({ SourcePrefixListId: CLOUDFRONT_ORIGIN_PREFIX_LISTS['eu-west-1'], FromPort: 80, ToPort: 80 })]);
    p3.stack('standby-app').hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: CLOUDFRONT_ORIGIN_PREFIX_LISTS[standby.region], FromPort: 443 });
  });

  test('THEN nothing listens on port 80 when the CDN speaks HTTPS to it', () => {
    p2.appStack.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    p2.appStack.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
  });

  test('THEN every service rule requires the CDN\'s origin header, read from the same secret', () => {
    p2.web.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [ORIGIN_SECRET] } }]),
    });
  });

  test('THEN the secret is made in us-east-1 and replicated to each load balancer\'s region, and kept', () => {
    Template.fromStack(eu.blueprint.edge!).hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: 'blueprint-prod/cdn-origin-header', ReplicaRegions: [{ Region: 'eu-west-1' }] },
      DeletionPolicy: 'Retain',
    });
    p3.stack('edge').hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: standby.region }] });
  });
});

describe('origin-header rotation (edge.originHeaderVersions)', () => {
  const OLD = '11111111-aaaa-4bbb-8ccc-000000000001';
  const NEW = '22222222-aaaa-4bbb-8ccc-000000000002';
  const pinned = (version: string): string => `{{resolve:secretsmanager:blueprint-prod/cdn-origin-header:SecretString:::${version}}}`;
  // GIVEN the two middle steps of a rotation in phase 3 (both regions, a failover record each)
  const accepting = synthesize({ phase: 'phase3', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, edge: { originHeaderVersions: [OLD, NEW] } } });
  const sending = synthesize({ phase: 'phase3', stage: 'prod', settings: { ...PRODUCTION_SETTINGS, edge: { originHeaderVersions: [NEW, OLD] } } });
  const header = (s: typeof p3): unknown =>
    (Object.values(s.stack('edge').findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig.Origins[0].OriginCustomHeaders as unknown[])[0];
  const canaryVersion = (s: typeof p3, role: string): unknown =>
    Object.values(s.stack(role).findResources('AWS::Synthetics::Canary'))[0]!.Properties.RunConfig.EnvironmentVariables.SECRET_VERSION;

  test.each(['service-web', 'standby-service-web'])('GIVEN a rotation THEN the %s listener rule accepts the old and the new value, each pinned to its version', (role) => {
    for (const s of [accepting, sending]) {
      s.stack(role).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Conditions: Match.arrayWith([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [pinned(OLD), pinned(NEW)] } }]),
      });
    }
    // The rules' text is the same at both steps: moving the CDN deploys the edge stack alone.
    expect(JSON.stringify(sending.stack('service-web').findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))).toBe(
      JSON.stringify(accepting.stack('service-web').findResources('AWS::ElasticLoadBalancingV2::ListenerRule')),
    );
  });

  test('WHEN the CDN moves to the new value THEN its template names the new version, so CloudFormation resolves it again, and the origin check sends the same', () => {
    expect(header(accepting)).toEqual({ HeaderName: 'X-Origin-Verify', HeaderValue: pinned(OLD) });
    expect(header(sending)).toEqual({ HeaderName: 'X-Origin-Verify', HeaderValue: pinned(NEW) });
    for (const role of ['app', 'standby-app']) {
      expect(canaryVersion(accepting, role)).toBe(OLD);
      expect(canaryVersion(sending, role)).toBe(NEW);
    }
  });

  test('GIVEN no rotation THEN the CDN and the rules read the AWSCURRENT version, as they always have', () => {
    expect(header(p3)).toEqual({ HeaderName: 'X-Origin-Verify', HeaderValue: ORIGIN_SECRET });
    expect(canaryVersion(p3, 'app')).toBeUndefined();
  });

  test('GIVEN three versions or one that is not a version id THEN synth stops, naming the setting', () => {
    expect(() => resolveConfig({ phase: 'phase2', settings: { edge: { originHeaderVersions: [OLD, NEW, '33333333-aaaa-4bbb-8ccc-000000000003'] } } })).toThrow(/edge\.originHeaderVersions: .* at most 2 version ids/);
    expect(() => resolveConfig({ phase: 'phase2', settings: { edge: { originHeaderVersions: ['AWSCURRENT'] } } })).toThrow(/edge\.originHeaderVersions\[0\]: "AWSCURRENT" is not allowed/);
    // A rule takes 5 condition values: during a rotation the header takes two of them.
    const fourPaths = { services: [{ name: 'web', pathPatterns: ['/*', '/a/*', '/b/*', '/c/*'] }] };
    expect(() => resolveConfig({ phase: 'phase2', settings: { ...fourPaths, edge: { originHeaderVersions: [OLD] } } })).not.toThrow();
    expect(() => resolveConfig({ phase: 'phase2', settings: { ...fourPaths, edge: { originHeaderVersions: [OLD, NEW] } } })).toThrow(/services\.web\.pathPatterns: 6 listener condition values/);
  });
});

describe('DatabaseBackup across regions', () => {
  test.each(LADDER)('GIVEN %s THEN a daily plan kept for the phase\'s days, copied to the standby only where there is one', (phase, s) => {
    const rule = Object.values(s.data.findResources('AWS::Backup::BackupPlan'))[0]!.Properties.BackupPlan.BackupPlanRule[0];
    const days = PHASE_PRESETS[phase].database.backupPlanRetentionDays;
    expect(rule).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: days } });
    if (PHASE_PRESETS[phase].standby) {
      expect(rule.CopyActions).toEqual([
        {
          DestinationBackupVaultArn: `arn:aws:backup:${standby.region}:111111111111:backup-vault:blueprint-prod-standby-backups`,
          Lifecycle: { DeleteAfterDays: days },
        },
      ]);
    } else {
      expect(rule.CopyActions).toBeUndefined();
    }
  });

  test('THEN the standby\'s vault receiving the copies has that name, its own region\'s key, and is kept', () => {
    p3.stack('standby-recovery').hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: 'blueprint-prod-standby-backups', EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RecoveryKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('the standby region (phase 3)', () => {
  const data = (): Template => p3.stack('standby-data');

  test('THEN its stacks are in the standby region, named for their role, never the phase', () => {
    const s = p3.blueprint.standby!;
    for (const stack of [s.data, s.app, ...s.services.values(), ...s.workers.values()]) {
      expect(stack.region).toBe(standby.region);
      expect(stack.stackName).toMatch(/^blueprint-prod-standby-[a-z-]+$/);
    }
  });

  test('THEN its database replicates the primary, encrypted with a key of its own region, and is kept', () => {
    data().hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({
        SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:blueprint-prod-postgres',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        DBInstanceClass: `db.${PHASE_PRESETS.phase3.database.instanceClass}`,
        StorageEncrypted: Match.absent(),
        DeletionProtection: true,
      }),
      DeletionPolicy: 'Snapshot',
    });
    data().resourceCountIs('AWS::RDS::DBInstance', 1);
    // Not the primary's key: KMS keys never leave their region.
    data().resourceCountIs('AWS::KMS::Key', 1);
  });

  test('THEN the same network layout on its own block', () => {
    data().hasResourceProperties('AWS::EC2::VPC', { CidrBlock: standby.vpcCidr });
    expect(Object.keys(data().findResources('AWS::EC2::Subnet')).length).toBe(Object.keys(p3.data.findResources('AWS::EC2::Subnet')).length);
    data().resourceCountIs('AWS::EC2::NatGateway', standby.natGateways);
  });

  test('THEN the cache and the services wait at the reduced capacity from config, able to scale to the primary\'s maximum', () => {
    data().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: standby.cache.nodeType, NumNodeGroups: standby.cache.shards });
    const web = PHASE_PRESETS.phase3.services[0]!;
    p3.stack('standby-service-web').hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: standby.minTasks, MaxCapacity: web.scaling.maxTasks });
  });

  test('THEN its tasks read the database secret\'s replica in their own region, and may decrypt only through Secrets Manager there', () => {
    const web = p3.stack('standby-service-web');
    const containers = Object.values(web.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions as { Secrets?: { Name: string; ValueFrom: unknown }[] }[];
    const password = JSON.stringify(containers.flatMap((c) => c.Secrets ?? []).find((x) => x.Name === 'DB_PASSWORD')!.ValueFrom);
    // An import of the standby data stack's export: the same region, never the primary's.
    expect(password).toContain('"Fn::ImportValue":"blueprint-prod-standby-data:');
    expect(password).not.toContain('us-east-1');
    const policy = JSON.stringify(web.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('secretsmanager.us-west-2.amazonaws.com');
    expect(policy).not.toContain('secretsmanager.us-east-1.amazonaws.com');
  });

  test('THEN it has its own alarms, including how far the replica is behind the primary region', () => {
    p3.stack('standby-app').hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-prod-db-standby-lag',
      MetricName: 'ReplicaLag',
      Threshold: PHASE_PRESETS.phase3.sla.saturation.rdsReplicaLagSeconds.threshold,
    });
    p3.stack('standby-app').hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'blueprint-prod-origin-unavailable' });
  });
});

describe('Route 53 failover (phase 3 with a hosted zone)', () => {
  test.each([
    ['phase2', 'app', 'PRIMARY', 'us-east-1'],
    ['phase3', 'app', 'PRIMARY', 'us-east-1'],
    ['phase3', 'standby-app', 'SECONDARY', standby.region],
  ])('GIVEN %s THEN the %s stack holds the %s record for the origin name, following its region\'s origin check alone', (phase, role, failover, region) => {
    const t = (phase === 'phase2' ? p2 : p3).stack(role);
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'origin.app.example.com.',
      Type: 'A',
      Failover: failover,
      SetIdentifier: failover.toLowerCase(),
      HealthCheckId: { Ref: Match.stringLikeRegexp('^OriginRecordHealthCheck') },
      // Never the load balancer's target health: one service without healthy targets would move the region.
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: false }),
    });
    t.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: { Ref: Match.stringLikeRegexp('^SlaAlarmsOriginCheck') }, Region: region },
        InsufficientDataHealthStatus: 'Unhealthy',
        Inverted: false,
      },
    });
    const row = PHASE_PRESETS.phase3.sla.originFailover;
    // The synthetic check's success, which a dark region stops emitting: missing data breaches.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'blueprint-prod-origin-check',
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: Match.stringLikeRegexp('^OriginCheckCanary') } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 100,
      Period: 60,
      EvaluationPeriods: row.evaluationPeriods,
      TreatMissingData: 'breaching',
    });
  });

  test.each(['app', 'standby-app'])('GIVEN phase 3 THEN the %s stack\'s canary probes its own load balancer with the origin header, every minute, from its VPC', (role) => {
    const t = p3.stack(role);
    const canary = Object.values(t.findResources('AWS::Synthetics::Canary'))[0]!.Properties;
    expect(canary.Schedule.Expression).toBe('rate(1 minute)');
    expect(canary.VPCConfig.SubnetIds).toHaveLength(3);
    const env = canary.RunConfig.EnvironmentVariables;
    expect(env).toMatchObject({ HEADER_NAME: 'X-Origin-Verify', SECRET_ID: 'blueprint-prod/cdn-origin-header', SERVER_NAME: 'origin.app.example.com' });
    expect(env.ORIGIN).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^IngressLoadBalancer/), 'DNSName'] }]] });
    expect(JSON.parse(env.PROBES)).toEqual([{ path: '/', host: 'app.example.com' }]);
    // The load balancer admits the check only from the VPC's NAT gateways' prefix list, on 443, in one rule.
    const natRules = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { Description: Match.stringLikeRegexp('^Origin check') } }));
    expect(natRules).toHaveLength(1);
    expect(natRules[0]!.Properties).toMatchObject({ FromPort: 443, ToPort: 443, SourcePrefixListId: { 'Fn::ImportValue': expect.stringMatching(/NetworkNatAddresses.*PrefixListId/) } });
  });

  test('GIVEN no service whose rule routes its own health path THEN synth stops, naming services', () => {
    const settings = { ...PRODUCTION_SETTINGS, services: [{ name: 'web', healthCheckPath: '/health', pathPatterns: ['/api/*'] }] };
    expect(() => resolveConfig({ phase: 'phase2', stage: 'prod', settings })).toThrow(/services: no web service's pathPatterns route its own healthCheckPath/);
    expect(() => resolveConfig({ phase: 'phase2', stage: 'prod', settings: { ...settings, services: [{ name: 'web', healthCheckPath: '/api/health', pathPatterns: ['/api/*'] }] } })).not.toThrow();
  });

  test('WHEN phase 2 becomes phase 3 THEN the primary\'s half keeps its logical id: the standby only adds the secondary', () => {
    const ids = (s: typeof p2): string[] => Object.keys(s.appStack.findResources('AWS::Route53::RecordSet', { Properties: { Name: 'origin.app.example.com.' } }));
    expect(ids(p2)).toHaveLength(1);
    expect(ids(p3)).toEqual(ids(p2));
  });
});

describe('the upgrade planner and the standby', () => {
  test('WHEN a standby is added to a running phase 3 THEN no durable resource of the primary region changes', () => {
    // GIVEN the same settings with the standby turned off
    const oneRegion = { ...PRODUCTION_SETTINGS, phases: { phase3: { ingress: PRODUCTION_SETTINGS.phases!.phase3!.ingress, standby: null } } };
    const without = synthesizeTemplates(resolveConfig({ phase: 'phase3', stage: 'prod', settings: oneRegion }), CDK_CONTEXT);
    expect(Object.keys(without).some((name) => name.includes('standby'))).toBe(false);
    const withStandby = Object.fromEntries(p3.app.synth().stacks.map((st) => [st.stackName, st.template]));
    const plan = planUpgrade(without, withStandby);
    expect(plan.blocked).toEqual([]);
    const primaryStacks = [p3.blueprint.data, p3.blueprint.app, ...p3.blueprint.services.values(), ...p3.blueprint.workers.values()].map((s: Stack) => s.stackName);
    const touched = plan.changes.filter((c) => primaryStacks.includes(c.stack) && c.stateClass === 'durable');
    // Only the master secret and the application login's, in place: each gains its replica region (its value is unchanged).
    expect(touched.map((c) => [c.type, c.impact])).toEqual([
      ['AWS::SecretsManager::Secret', 'updated in place'],
      ['AWS::SecretsManager::Secret', 'updated in place'],
    ]);
    // What it does add: the standby region's stacks, and the copy rule on the primary's (stateless) backup plan.
    expect(plan.changes.some((c) => c.stack === 'blueprint-prod-standby-data' && c.type === 'AWS::RDS::DBInstance' && c.impact === 'added')).toBe(true);
    expect(plan.changes.find((c) => c.type === 'AWS::Backup::BackupPlan')).toMatchObject({ stack: 'blueprint-prod-data', impact: 'updated in place' });
  });
});

describe('after a regional failover', () => {
  test('GIVEN standby.databaseSecretArn THEN the standby\'s tasks read that secret, decrypted in their own region only', () => {
    const promoted = 'arn:aws:secretsmanager:us-west-2:111111111111:secret:rds!db-promoted-AbCdEf';
    const s = synthesize({ phase: 'phase3', stage: 'prod', settings: { phases: { phase3: { standby: { databaseSecretArn: promoted } } } } });
    const web = s.stack('standby-service-web');
    const containers = Object.values(web.findResources('AWS::ECS::TaskDefinition'))[0]!.Properties.ContainerDefinitions as { Secrets?: { Name: string; ValueFrom: string }[] }[];
    const secrets = containers.flatMap((c) => c.Secrets ?? []);
    expect(secrets.find((x) => x.Name === 'DB_PASSWORD')!.ValueFrom).toBe(`${promoted}:password::`);
    const policy = JSON.stringify(web.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('"kms:ViaService":"secretsmanager.us-west-2.amazonaws.com"');
    expect(policy).not.toContain('secretsmanager.us-east-1.amazonaws.com');
  });
});
