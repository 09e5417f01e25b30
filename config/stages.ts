import { OperatorAccessConfig, ProtectionConfig, StageName, TelemetryConfig } from './types';

/** AWS Distro for OpenTelemetry collector, receiving OTLP and exporting to X-Ray. */
const COLLECTOR = 'public.ecr.aws/aws-observability/aws-otel-collector:latest';

/**
 * What a stage changes, whatever the phase. Durable resources are retained
 * or snapshotted in every stage; prod adds deletion protection on top.
 */
export const STAGE_DEFAULTS: Readonly<
  Record<StageName, { readonly protection: ProtectionConfig; readonly telemetry: TelemetryConfig; readonly operatorAccess: OperatorAccessConfig }>
> = {
  dev: {
    protection: { deletionProtection: false, terminationProtection: true, logRetentionDays: 30 },
    telemetry: { tracingSamplePercent: 100, collectorImage: COLLECTOR },
    operatorAccess: { ecsExec: true },
  },
  staging: {
    protection: { deletionProtection: false, terminationProtection: true, logRetentionDays: 30 },
    telemetry: { tracingSamplePercent: 100, collectorImage: COLLECTOR },
    operatorAccess: { ecsExec: true },
  },
  // docs/architecture.md §8: 1% in production keeps X-Ray cost flat at any load.
  prod: {
    protection: { deletionProtection: true, terminationProtection: true, logRetentionDays: 30 },
    telemetry: { tracingSamplePercent: 1, collectorImage: COLLECTOR },
    // No shell into production tasks by default: turn it on per incident.
    operatorAccess: { ecsExec: false },
  },
};
