import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { acknowledge, controlTower } from '../security/acknowledge';

/** A small image with `chown` (BusyBox, from ECR Public's mirror of the Docker official images). */
export const VOLUME_OWNER_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';

/**
 * Hard memory limit of the volume owner, MiB, taken from the task's memory
 * (Fargate refuses a task whose containers' limits add up to more). Every
 * container needs one of at least 4 MiB (Control Tower CT.ECS.PR.7); a
 * BusyBox `chown` uses a few hundred KiB.
 */
export const VOLUME_OWNER_MEMORY_MIB = 16;

export interface VolumeOwnerProps {
  readonly taskDefinition: ecs.TaskDefinition;
  /** The non-root container that writes the volumes; it starts after the hand-over succeeded. */
  readonly container: ecs.ContainerDefinition;
  /** Its user, uid or uid:gid. */
  readonly user: string;
  /** Names of the task volumes it writes. */
  readonly volumes: readonly string[];
  readonly logging: ecs.LogDriver;
  /** @default VOLUME_OWNER_IMAGE */
  readonly image?: string;
}

/**
 * Adds a container that gives the task's writable volumes to `user` before
 * `container` starts. Fargate creates a bind mount owned by root with mode
 * 0755 unless the image declares it a VOLUME
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html),
 * so a non-root container could not write its own /tmp. `chown` runs as the
 * entry point, without a shell, as root keeping only CAP_CHOWN (ADR 0034).
 */
export function addVolumeOwner(scope: Construct, props: VolumeOwnerProps): ecs.ContainerDefinition {
  const owner = props.taskDefinition.addContainer('VolumeOwner', {
    image: ecs.ContainerImage.fromRegistry(props.image ?? VOLUME_OWNER_IMAGE),
    entryPoint: ['chown'],
    command: [props.user, ...props.volumes.map((v) => `/volumes/${v}`)],
    user: '0',
    linuxParameters: new ecs.LinuxParameters(scope, 'VolumeOwnerLinux', { initProcessEnabled: false }),
    essential: false,
    memoryLimitMiB: VOLUME_OWNER_MEMORY_MIB,
    readonlyRootFilesystem: true,
    logging: props.logging,
  });
  owner.linuxParameters!.dropCapabilities(...Object.values(ecs.Capability).filter((c) => c !== ecs.Capability.ALL && c !== ecs.Capability.CHOWN));
  owner.addMountPoints(...props.volumes.map((v) => ({ sourceVolume: v, containerPath: `/volumes/${v}`, readOnly: false })));
  props.container.addContainerDependencies({ container: owner, condition: ecs.ContainerDependencyCondition.SUCCESS });
  return owner;
}

/** The Control Tower non-root finding on a task whose only root containers prepare and exit before the app. */
export function acknowledgeRootPreparation(taskDefinition: ecs.TaskDefinition, containers: string): void {
  acknowledge(
    taskDefinition,
    `Only short-lived preparation containers run as root (${containers}): Fargate creates bind-mount volumes owned by root with mode 0755, so only root can hand them to the app's user or write into them. Each has a read-only root filesystem, no ports and no secrets, keeps no capability but CHOWN (the volume owner) or none, runs one command without a shell, and exits before the app (a non-root user) starts.`,
    controlTower('ecs_task_definition_nonroot_user_check'),
  );
}
