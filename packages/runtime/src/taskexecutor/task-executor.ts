import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { FlottError, serializeError, type Configuration } from '@flott/core';
import { ArtifactCache, defaultBlobStorageDirectory } from '../client/job-artifact';
import { BlobClient } from '../blob/blob-client';
import { BlobOptions, CoreOptions, NetworkOptions, TaskManagerOptions } from '../config/options';
import { ExecutionState, isTerminalExecutionState } from '../execution/execution-state';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { SILENT_THREAD_LOG_SINK, type ThreadLogSink } from '../logging/process-logging';
import type { DispatcherGateway, JobMasterGateway, JobMasterRef, ResourceManagerGateway, SlotOffer, SlotReportEntry, TaskExecutionStateUpdate, TaskExecutorGateway, TaskManagerStats } from '../rpc/gateways';
import { heartbeatSettingsOf } from '../heartbeat/heartbeat-manager';
import { FencingTokenMismatchError, type RpcService } from '../rpc/rpc-service';
import { internalSecurityOf } from '../security/internal-security';
import { leaderGateway, type LeaderTracker } from '../leader/leader-tracker';
import type { Scheduler } from '../time/clock';
import { taskLogFields, taskNameWithSubtaskAndAttempt, type TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { PostCheckpointAction } from '../snapshot/snapshot-data';
import type { FromSlot, SlotStats, SlotWorkerData } from './slot-protocol';
import { TaskExecutorHeartbeats } from './task-executor-heartbeats';
import { slotHeapOf, slotThreadFactory, type SlotHeap, type TaskSlotFactory } from './slot-thread';
import { OnDemandSlot } from './on-demand-slot';
import { taskManagerResourcesOf } from './task-manager-resources';
import { MAX_DYNAMIC_SLOTS_PER_TASK_MANAGER, type ResourceSpec } from '../deployment/resource-spec';
import { PartitionBroker } from './partition-broker';

export { PartitionNotFoundError, PartitionReleasedError } from './partition-broker';

interface SlotState {
  allocationId?: string;
  jobId?: string;
  jobMaster?: JobMasterRef;
  /** A dynamic slot's resources (set while it is allocated). */
  resources?: ResourceSpec;
  /** The JobMaster accepted the slot's offer: from now on its heartbeats say whether it still holds the slot. */
  accepted?: boolean;
  /** The slot thread's own data server's address the offer named (the JobMaster tells consumers of the slot's partitions). */
  offeredSlotDataAddress?: string;
}

export interface TaskExecutorOptions {
  readonly resourceId: string;
  readonly configuration: Configuration;
  readonly rpc: RpcService;
  readonly scheduler: Scheduler;
  /** The ResourceManager's leader (address and fencing token); a new leader is registered at. Started and stopped by the TaskExecutor. */
  readonly resourceManager: LeaderTracker;
  /** The Dispatcher's leader, which serves job bundles when the JobManager has no blob server. Started and stopped by the TaskExecutor. */
  readonly dispatcher: LeaderTracker;
  /** Plugin packages the slot threads load (state backends). */
  readonly pluginModules: readonly string[];
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Starts the slots (default: a worker thread each); in-process tests give fakes. */
  readonly slotFactory?: TaskSlotFactory;
  /** The TaskExecutor's log; silent by default. */
  readonly logger?: Logger;
  /** Where the slot threads' log lines go and at what level they log; nowhere by default. */
  readonly threadLogSink?: ThreadLogSink;
  /** The cluster's internal secret, which signs blob server requests when internal traffic is authenticated. */
  readonly blobSecret?: string;
  /**
   * Each slot thread serves its PIPELINED partitions from its own data server (docs/network.md, "Slot
   * threads' own data servers"); default true. Only with taskmanager.data.port 0: a fixed port means
   * one server a firewall lets through. Off for a MiniCluster's only TaskManager, which has no peers.
   */
  readonly slotDataServers?: boolean;
}
/** The TaskExecutor's collaborators, as the cluster's container resolves them (wiring/cluster-container.ts). */
export const TaskExecutorOptions = Symbol.for('flott.TaskExecutorOptions');

/**
 * A TaskManager's TaskExecutor (Flink's): offers its slots through the ResourceManager to
 * JobMasters, runs deployed subtasks in its slot threads, brokers data connections between slots,
 * and reports task states to the JobMaster. All calls arrive on the process's main event loop.
 */
@injectable()
export class TaskExecutor implements TaskExecutorGateway {
  readonly address: string;
  private readonly slots: OnDemandSlot[] = [];
  private readonly slotStates: SlotState[] = [];
  /** Every default slot thread's heap (set in start; a replacement thread gets the same). */
  private slotHeap!: SlotHeap;
  /** The heap of each dynamic slot (indexes from the number of default slots on), by index, while it exists. */
  private readonly dynamicSlotHeaps = new Map<number, SlotHeap>();
  /** Total and default-slot resources (set in start). */
  private resources!: ReturnType<typeof taskManagerResourcesOf>;
  private readonly attempts = new Map<string, { slot: OnDemandSlot; tdd: TaskDeploymentDescriptor; state: ExecutionState }>();
  /** Attempts submitted while the job's bundle is fetched (not in `attempts` yet), and those of them the JobMaster canceled meanwhile. */
  private readonly fetching = new Set<string>();
  private readonly canceledWhileFetching = new Set<string>();
  /** Which slot writes which partition; connects consumers here and, over TCP, on other TaskManagers. */
  private readonly partitions: PartitionBroker;
  private readonly artifacts: ArtifactCache;
  private readonly statsWaiters = new Map<number, (s: SlotStats) => void>();
  private statsSeq = 0;
  private closed = false;
  private readonly log: Logger;
  private readonly threadLogSink: ThreadLogSink;
  private readonly heartbeats: TaskExecutorHeartbeats;
  /** The current leaders' gateways: each call goes to the leader known then, fenced with its session id. */
  private readonly resourceManager: ResourceManagerGateway;
  private readonly dispatcher: DispatcherGateway;
  /** The leader session id of the ResourceManager this TaskExecutor registered at: slot requests must carry it. */
  private resourceManagerId: string | undefined;
  private readonly clusterShutdownListeners: Array<(reason: string) => void> = [];
  /** This TaskManager's directories of BLOCKING result partitions, one per io.tmp.dirs entry (made in start, deleted in close). */
  private shuffleDirectories: string[] = [];

  constructor(@inject(TaskExecutorOptions) private readonly opts: TaskExecutorOptions) {
    this.address = opts.rpc.register(`taskmanager-${opts.resourceId}`, this as TaskExecutorGateway);
    this.log = (opts.logger ?? SILENT_LOGGER).child({ resourceId: opts.resourceId });
    this.resourceManager = leaderGateway<ResourceManagerGateway>(opts.rpc, opts.resourceManager);
    this.dispatcher = leaderGateway<DispatcherGateway>(opts.rpc, opts.dispatcher);
    this.threadLogSink = opts.threadLogSink ?? SILENT_THREAD_LOG_SINK;
    const dir = defaultBlobStorageDirectory(opts.configuration.get(BlobOptions.STORAGE_DIRECTORY));
    this.artifacts = new ArtifactCache(dir);
    this.heartbeats = new TaskExecutorHeartbeats(heartbeatSettingsOf(opts.configuration), opts.scheduler, this.log, {
      reconnectToResourceManager: () => this.registerAtResourceManager(),
      releaseJob: (jobId, cause) => {
        for (const s of this.slotStates) if (s.jobId === jobId && s.allocationId) void this.freeSlot(s.allocationId, cause);
      },
    });
    this.partitions = new PartitionBroker(opts.resourceId, opts.configuration, opts.scheduler, this.log);
    // A new ResourceManager leader (after the first registration): register there, as Flink's TaskExecutor does.
    opts.resourceManager.onChange((leader) => {
      if (!leader || this.resourceManagerId === undefined || this.closed) return;
      this.log.info({ address: leader.address, sessionId: leader.sessionId }, `New ResourceManager leader ${leader.address}; registering there.`);
      this.registerAtResourceManager().catch((err: unknown) => this.log.warn({ err }, `Could not register at the new ResourceManager leader ${leader.address}.`));
    });
  }

  /** This TaskManager's resource id (shown by the REST API's /taskmanagers). */
  get resourceId(): string {
    return this.opts.resourceId;
  }

  /** `host:port` of this TaskManager's data server (known once started). */
  get dataAddress(): string | undefined {
    return this.partitions.dataAddress;
  }

  /** Connections other TaskManagers' slots hold open to this TaskManager's data server, for tests and metrics. */
  get dataConnectionCount(): number {
    return this.partitions.connectionCount;
  }

  /** Its default slots (taskmanager.numberOfTaskSlots); dynamic slots come and go with their allocations. */
  get numberOfSlots(): number {
    return this.resources?.defaultSlots ?? 0;
  }

  async start(): Promise<void> {
    const config = this.opts.configuration;
    const n = config.get(TaskManagerOptions.NUM_TASK_SLOTS);
    this.slotHeap = slotHeapOf(config, n);
    this.resources = taskManagerResourcesOf(config);
    const tmpDirs = config.get(CoreOptions.TMP_DIRS);
    this.shuffleDirectories = (tmpDirs.length > 0 ? tmpDirs : [tmpdir()]).map((dir) => mkdtempSync(join(dir, 'flott-shuffle-')));
    for (let i = 0; i < n; i++) {
      this.slots.push(this.startSlot(i));
      this.slotStates.push({});
    }
    await this.partitions.start();
    await this.opts.resourceManager.start();
    await this.opts.dispatcher.start();
    this.log.info({ slots: n, slotHeapMb: this.slotHeap.limitMb, parallelScavenge: this.slotHeap.parallelScavenge }, `TaskExecutor ${this.opts.resourceId} has ${n} slot(s) of ${this.slotHeap.limitMb} MiB heap each${this.slotHeap.parallelScavenge ? '' : ' (scavenges without helper threads)'}; a slot's thread starts when the slot is first allocated (or at once where the cluster prestarts threads: flott run).`);
    await this.registerAtResourceManager();
    this.heartbeats.registeredAtResourceManager();
  }

  /**
   * Starts the default slots' threads now, not with their first allocation, so they load the runtime
   * while the client still prepares its job (`flott run`: ~50–100 ms less before a job's first
   * record on 2 cores). A thread that fails to start fails its slot's allocation later, as it would then.
   */
  prestartSlotThreads(): void {
    for (let i = 0; i < this.numberOfSlots; i++) this.slots[i].start().catch(() => undefined);
  }

  /** Registers (again) at the ResourceManager with every slot and the allocation it holds. */
  private async registerAtResourceManager(): Promise<void> {
    const dataAddress = this.partitions.dataAddress;
    const { resourceManagerId } = await this.resourceManager.registerTaskExecutor({
      resourceId: this.opts.resourceId,
      address: this.address,
      ...(dataAddress ? { dataPort: Number(dataAddress.slice(dataAddress.lastIndexOf(':') + 1)) } : {}),
      slots: this.slotReport(),
      totalResources: this.resources.total,
      defaultSlotResources: this.resources.defaultSlot,
    });
    this.resourceManagerId = resourceManagerId;
  }

  /** A JobMaster's gateway, fenced with its JobMasterId: a newer JobMaster of the job refuses what was meant for the old one. */
  private jobMasterGateway(ref: JobMasterRef): JobMasterGateway {
    return this.opts.rpc.connect<JobMasterGateway>(ref.address, { fencingToken: ref.jobMasterId });
  }

  private slotReport(): SlotReportEntry[] {
    const report: SlotReportEntry[] = [];
    this.slots.forEach((s, i) => {
      const { allocationId, jobId, resources } = this.slotStates[i] ?? {};
      // A dynamic slot exists only while it is allocated.
      if (i >= this.numberOfSlots && !allocationId) return;
      report.push(allocationId ? { slotIndex: s.slotIndex, allocationId, jobId, ...(resources ? { resources } : {}) } : { slotIndex: s.slotIndex });
    });
    return report;
  }

  /** Every slot and the allocation it holds now (what a registration reports), for the simulator's slot-leak check. */
  slotAllocations(): SlotReportEntry[] {
    return this.slotReport();
  }

  async heartbeatFromResourceManager(_resourceManagerId: string): Promise<readonly SlotReportEntry[]> {
    this.heartbeats.fromResourceManager();
    return this.slotReport();
  }

  async heartbeatFromJobManager(jobId: string, heldAllocations?: readonly string[]): Promise<readonly string[]> {
    this.heartbeats.fromJobManager(jobId);
    if (heldAllocations) {
      const held = new Set(heldAllocations);
      for (const s of this.slotStates) {
        if (s.jobId === jobId && s.accepted && s.allocationId && !held.has(s.allocationId)) void this.freeSlot(s.allocationId, 'its JobMaster no longer holds it');
      }
    }
    return [...this.attempts].filter(([, a]) => a.tdd.jobId === jobId).map(([id]) => id);
  }

  /** The slot `index` (its thread starts on demand: see OnDemandSlot). */
  private startSlot(index: number): OnDemandSlot {
    return new OnDemandSlot(index, (wrapper) => this.startSlotThread(wrapper));
  }

  private startSlotThread(wrapper: OnDemandSlot) {
    const config = this.opts.configuration;
    const index = wrapper.slotIndex;
    return (this.opts.slotFactory ?? slotThreadFactory)(
      index,
      {
        slotIndex: index,
        resourceId: this.opts.resourceId,
        configuration: config.toRecord(),
        pluginModules: this.opts.pluginModules,
        logLevel: this.threadLogSink.level,
        shuffleDirectory: this.shuffleDirectories[index % this.shuffleDirectories.length],
        ...this.slotDataServerOf(index),
      },
      this.dynamicSlotHeaps.get(index) ?? this.slotHeap,
      (_thread, msg) => this.onSlotMessage(wrapper, msg),
      (_thread, code, error) => this.onSlotExit(wrapper, code, error),
    );
  }

  /** Where slot `index`'s own data server listens, if slots have their own: on its TaskManager's host, and on its predecessor's port. */
  private slotDataServerOf(index: number): Pick<SlotWorkerData, 'dataServer'> {
    const config = this.opts.configuration;
    const tmAddress = this.partitions.dataAddress;
    if (!(this.opts.slotDataServers ?? true) || config.get(NetworkOptions.DATA_PORT) !== 0 || tmAddress === undefined) return {};
    const previous = this.slotStates[index]?.offeredSlotDataAddress ?? this.slots[index]?.dataAddress;
    return {
      dataServer: {
        bindHost: config.get(TaskManagerOptions.BIND_HOST),
        advertisedHost: tmAddress.slice(0, tmAddress.lastIndexOf(':')),
        port: previous === undefined ? 0 : Number(previous.slice(previous.lastIndexOf(':') + 1)),
      },
    };
  }

  // ---- TaskExecutorGateway ----

  async requestSlot(slotIndex: number, jobId: string, allocationId: string, jobMaster: JobMasterRef, resourceManagerId: string, resources?: ResourceSpec): Promise<void> {
    if (resourceManagerId !== this.resourceManagerId) {
      // Flink's TaskExecutor refuses a slot request of a ResourceManager it is not connected to (a stale leader).
      throw new FencingTokenMismatchError(this.address, this.resourceManagerId ?? '(not registered)', resourceManagerId);
    }
    if (resources !== undefined) this.createDynamicSlot(slotIndex, resources, allocationId);
    const state = this.slotStates[slotIndex];
    if (!state) throw new FlottError('SLOT_NOT_FOUND', `TaskExecutor ${this.opts.resourceId} has no slot ${slotIndex}`, { slotIndex });
    if (state.allocationId && state.allocationId !== allocationId) {
      throw new FlottError('SLOT_OCCUPIED', `Slot ${slotIndex} is allocated to ${state.allocationId}`, { slotIndex });
    }
    Object.assign(state, { allocationId, jobId, jobMaster, ...(resources ? { resources } : {}) });
    this.heartbeats.jobAllocated(jobId);
    this.log.info({ jobId, allocationId, slotIndex }, `Allocated slot ${slotIndex} (${allocationId}) for job ${jobId}; offering it to ${jobMaster.address}.`);
    try {
      // The slot's thread starts with its first allocation, so what the JobMaster deploys finds it ready.
      await this.slots[slotIndex].start();
    } catch (e) {
      await this.freeSlot(allocationId, `the slot's thread did not start: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    const jm = this.jobMasterGateway(jobMaster);
    const dataAddress = this.partitions.dataAddress;
    const slotDataAddress = this.slots[slotIndex].dataAddress;
    if (slotDataAddress) state.offeredSlotDataAddress = slotDataAddress;
    let accepted: SlotOffer[];
    try {
      accepted = await jm.offerSlots(this.opts.resourceId, this.address, [
        { allocationId, slotIndex, ...(dataAddress ? { dataAddress } : {}), ...(slotDataAddress ? { slotDataAddress } : {}), ...(resources ? { resources } : {}) },
      ]);
    } catch (e) {
      // The JobMaster is gone (its job ended) or unreachable: the slot must not stay allocated to it.
      await this.freeSlot(allocationId, `offer to the JobMaster failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    if (accepted.length === 0) await this.freeSlot(allocationId, 'offer rejected by the JobMaster');
    else if (this.slotStates[slotIndex].allocationId === allocationId) this.slotStates[slotIndex].accepted = true;
  }

  /**
   * Makes `slotIndex` (at or past the default slots) a dynamic slot with `resources`, its thread's heap
   * limited to their task heap: the ResourceManager carved it from what the other slots leave of this
   * TaskManager's total. An index in use by another allocation is refused.
   */
  private createDynamicSlot(slotIndex: number, resources: ResourceSpec, allocationId: string): void {
    const bound = this.numberOfSlots + MAX_DYNAMIC_SLOTS_PER_TASK_MANAGER;
    if (!Number.isInteger(slotIndex) || slotIndex < this.numberOfSlots || slotIndex >= bound) {
      throw new FlottError('SLOT_NOT_FOUND', `TaskExecutor ${this.opts.resourceId} has no dynamic slot ${slotIndex} (dynamic slots are ${this.numberOfSlots}..${bound - 1})`, { slotIndex });
    }
    const existing = this.slotStates[slotIndex];
    if (existing?.allocationId !== undefined) {
      if (existing.allocationId === allocationId) return;
      throw new FlottError('SLOT_OCCUPIED', `Slot ${slotIndex} is allocated to ${existing.allocationId}`, { slotIndex });
    }
    const limitMb = resources.taskHeapMemoryMB;
    this.dynamicSlotHeaps.set(slotIndex, { limitMb, initialMb: Math.min(this.slotHeap.initialMb, Math.floor(limitMb / 2)), parallelScavenge: this.slotHeap.parallelScavenge });
    while (this.slots.length <= slotIndex) {
      this.slots.push(this.startSlot(this.slots.length));
      this.slotStates.push({});
    }
    // A fresh wrapper: its thread starts with this slot's heap.
    if (this.slots[slotIndex].started) this.slots[slotIndex] = this.startSlot(slotIndex);
  }

  async submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    const index = this.slotStates.findIndex((s) => s.allocationId === tdd.allocationId);
    if (index < 0) throw new FlottError('SLOT_NOT_ALLOCATED', `No slot with allocation ${tdd.allocationId} on ${this.opts.resourceId}`, { allocationId: tdd.allocationId });
    const expectedId = this.slotStates[index].jobMaster?.jobMasterId;
    if (expectedId !== undefined && expectedId !== tdd.jobMasterId) {
      // Flink: "the job manager leader id does not match": a JobMaster that is no longer the job's leader.
      throw new FencingTokenMismatchError(`${this.address} (allocation ${tdd.allocationId})`, expectedId, tdd.jobMasterId);
    }
    const slot = this.slots[index];
    if (!slot.alive) throw new FlottError('SLOT_DEAD', `Slot ${index} of ${this.opts.resourceId} has died`, { slotIndex: index });
    if (!this.artifacts.has(tdd.artifactSha256)) {
      this.fetching.add(tdd.attemptId);
      try {
        this.artifacts.put(tdd.artifactSha256, await this.fetchBundle(tdd.artifactSha256));
      } finally {
        this.fetching.delete(tdd.attemptId);
      }
      // Meanwhile the JobMaster may have canceled the attempt, or the slot may have been freed: it does not start.
      if (this.canceledWhileFetching.delete(tdd.attemptId)) {
        this.reportTaskState(tdd, { jobId: tdd.jobId, attemptId: tdd.attemptId, state: ExecutionState.CANCELED });
        return;
      }
      if (this.slotStates[index].allocationId !== tdd.allocationId || this.slots[index] !== slot) {
        throw new FlottError('SLOT_NOT_ALLOCATED', `Slot ${index} of ${this.opts.resourceId} was freed while the job's bundle was fetched`, { allocationId: tdd.allocationId });
      }
    }
    this.attempts.set(tdd.attemptId, { slot, tdd, state: ExecutionState.DEPLOYING });
    this.log.info(
      { ...taskLogFields(tdd), slotIndex: index },
      `Received task ${taskNameWithSubtaskAndAttempt(tdd)} (${tdd.attemptId}) for slot ${index}.`,
    );
    slot.post({ type: 'deploy', tdd, artifactPath: this.artifacts.pathOf(tdd.artifactSha256) });
  }

  /**
   * The job's bundle from the JobManager's blob server over HTTP (verified on arrival), or through the
   * Dispatcher's gateway when the JobManager serves none (the embedded cluster).
   */
  private async fetchBundle(sha256: string): Promise<Uint8Array> {
    const address = await this.dispatcher.getBlobServerAddress();
    if (address === undefined) return this.dispatcher.getBlob(sha256);
    const config = this.opts.configuration;
    const client = new BlobClient({
      address,
      secret: this.opts.blobSecret,
      tls: (await internalSecurityOf(config)).tls,
      maxBytes: config.get(BlobOptions.MAX_BLOB_SIZE),
      timeoutMs: config.get(BlobOptions.CLIENT_SOCKET_TIMEOUT),
    });
    return client.download(sha256);
  }

  async cancelTask(attemptId: string): Promise<void> {
    const a = this.attempts.get(attemptId);
    if (a) a.slot.post({ type: 'cancel', attemptId });
    else if (this.fetching.has(attemptId)) this.canceledWhileFetching.add(attemptId);
  }

  async freeSlot(allocationId: string, cause: string): Promise<void> {
    const index = this.slotStates.findIndex((s) => s.allocationId === allocationId);
    if (index < 0) return;
    this.log.info({ jobId: this.slotStates[index].jobId, allocationId, slotIndex: index }, `Freeing slot ${index} (${allocationId}): ${cause}.`);
    const state = this.slotStates[index];
    const slot = this.slots[index];
    for (const [id, a] of this.attempts) if (a.tdd.allocationId === allocationId) slot.post({ type: 'cancel', attemptId: id });
    if (state.jobId) slot.post({ type: 'release-job', jobId: state.jobId });
    this.partitions.forgetSlot(slot, state.jobId ?? '');
    this.slotStates[index] = {};
    if (index >= this.numberOfSlots) {
      // A dynamic slot ends with its allocation: its thread (sized for it) goes too.
      this.slots[index] = this.startSlot(index);
      void slot.shutdown().catch((err: unknown) => this.log.warn({ err, slotIndex: index }, `Dynamic slot ${index} did not shut down cleanly.`));
    }
    if (state.jobId && !this.slotStates.some((s) => s.jobId === state.jobId)) {
      this.heartbeats.jobReleased(state.jobId);
      // As Flink's TaskExecutor: a job without slots here keeps no partitions here.
      this.partitions.releaseJob(state.jobId, this.shuffleDirectories);
    }
    if (!this.closed) {
      // The slot is free here either way; a ResourceManager that missed it learns the slot's state when this TaskExecutor re-registers.
      await this.resourceManager.notifySlotAvailable(this.opts.resourceId, index, allocationId).catch((err: unknown) => {
        this.log.warn({ err, allocationId, slotIndex: index }, `Could not tell the ResourceManager that slot ${index} (${allocationId}) is free.`);
      });
    }
  }

  async releasePartitions(_jobId: string, partitionKeys: readonly string[]): Promise<void> {
    for (const key of partitionKeys) this.partitions.release(key)?.post({ type: 'release-partitions', partitionKeys: [key] });
  }

  async getBlobAddress(): Promise<string> {
    return this.opts.dispatcher.current().address;
  }

  async triggerCheckpoint(attemptId: string, checkpointId: number, timestamp: number, location: string, alignedTimeoutMs: number, postCheckpointAction?: PostCheckpointAction): Promise<void> {
    const a = this.attempts.get(attemptId);
    if (!a) throw new FlottError('UNKNOWN_ATTEMPT', `Task attempt ${attemptId} does not run on ${this.opts.resourceId}`, { attemptId });
    a.slot.post({ type: 'trigger-checkpoint', attemptId, checkpointId, timestamp, location, alignedTimeoutMs, ...(postCheckpointAction ? { postCheckpointAction } : {}) });
  }

  async notifyCheckpoint(attemptId: string, checkpointId: number, completed: boolean): Promise<void> {
    this.attempts.get(attemptId)?.slot.post({ type: 'notify-checkpoint', attemptId, checkpointId, completed });
  }

  async sendOperatorEventToTask(attemptId: string, operatorId: string, event: unknown): Promise<void> {
    const a = this.attempts.get(attemptId);
    if (!a) throw new FlottError('UNKNOWN_ATTEMPT', `Task attempt ${attemptId} does not run on ${this.opts.resourceId}`, { attemptId });
    a.slot.post({ type: 'operator-event-to-task', attemptId, operatorId, event });
  }

  /** Network statistics of every slot (buffers queued/in flight per partition), for tests and metrics. */
  async slotStats(): Promise<SlotStats[]> {
    return Promise.all(
      this.slots.filter((s) => s.alive && s.started).map(
        (slot) =>
          new Promise<SlotStats>((resolve) => {
            const requestId = ++this.statsSeq;
            this.statsWaiters.set(requestId, resolve);
            slot.post({ type: 'stats', requestId });
          }),
      ),
    );
  }

  /** Heap of all slot threads, and the time split and input watermark of every task running in them. */
  async requestTaskManagerStats(): Promise<TaskManagerStats> {
    const slots = await this.slotStats();
    return {
      heapUsedBytes: slots.reduce((sum, s) => sum + s.heapUsedBytes, 0),
      taskTimes: Object.assign({}, ...slots.map((s) => s.taskTimes ?? {})),
      inputWatermarks: Object.assign({}, ...slots.map((s) => s.inputWatermarks ?? {})),
      taskRecords: Object.assign({}, ...slots.map((s) => s.taskRecords ?? {})),
    };
  }

  /** Tells the ResourceManager this TaskManager leaves (a graceful stop): its slots are gone at once. Best effort. */
  async disconnectFromResourceManager(reason: string): Promise<void> {
    await this.resourceManager.disconnectTaskExecutor(this.opts.resourceId, reason).catch((err: unknown) => {
      this.log.warn({ err }, 'Could not tell the ResourceManager that this TaskManager leaves.');
    });
  }

  async notifyClusterShutdown(reason: string): Promise<void> {
    this.log.info({ reason }, `The cluster shuts down: ${reason}.`);
    for (const listener of this.clusterShutdownListeners) listener(reason);
  }

  /** Told when the JobManager shuts the cluster down (notifyClusterShutdown): the TaskManager process stops then. */
  onClusterShutdown(listener: (reason: string) => void): void {
    this.clusterShutdownListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.heartbeats.close();
    await this.opts.resourceManager.stop();
    await this.opts.dispatcher.stop();
    await this.partitions.close();
    await Promise.all(this.slots.map((s) => s.shutdown()));
    for (const dir of this.shuffleDirectories) rmSync(dir, { recursive: true, force: true });
    this.opts.rpc.unregister(this.address);
  }

  // ---- slot thread events ----

  private onSlotMessage(slot: OnDemandSlot, msg: FromSlot): void {
    switch (msg.type) {
      case 'task-state': {
        const a = this.attempts.get(msg.update.attemptId);
        if (!a) return;
        a.state = msg.update.state;
        if (isTerminalExecutionState(msg.update.state)) this.attempts.delete(msg.update.attemptId);
        this.reportTaskState(a.tdd, msg.update);
        break;
      }
      case 'partition-registered':
        this.partitions.partitionRegistered(slot, msg);
        break;
      case 'partition-finished':
        this.partitions.partitionFinished(msg);
        break;
      case 'partition-data-available': {
        const a = this.attempts.get(msg.attemptId);
        if (!a) return;
        this.jobMasterGateway(jobMasterOf(a.tdd)).notifyPartitionDataAvailable(msg.attemptId, msg.partitionKey).catch((err: unknown) => {
          // As Flink's RpcResultPartitionConsumableNotifier: the task fails, since a lazily scheduled consumer might never be
          // deployed (its producer, waiting for a final checkpoint with it, would never finish either).
          const message = `Could not tell the JobMaster that partition ${msg.partitionKey} has data`;
          this.log.warn({ err, ...taskLogFields(a.tdd) }, `${message}; failing the task.`);
          const error = new FlottError('PARTITION_NOTIFICATION_FAILED', `${message}: ${(err as Error)?.message ?? String(err)}`, { partitionKey: msg.partitionKey }, { cause: err });
          if (this.attempts.has(msg.attemptId)) a.slot.post({ type: 'fail-task', attemptId: msg.attemptId, error: serializeError(error) });
        });
        break;
      }
      case 'end-of-data': {
        const a = this.attempts.get(msg.attemptId);
        if (!a) return;
        this.jobMasterGateway(jobMasterOf(a.tdd)).notifyEndOfData(msg.attemptId).catch((err: unknown) => {
          // Best effort: without it the final checkpoint is the next periodic one.
          this.log.debug({ err, ...taskLogFields(a.tdd) }, `Could not tell the JobMaster that attempt ${msg.attemptId} reached the end of its data.`);
        });
        break;
      }
      case 'request-partition':
        this.partitions.requestFromSlot(slot, msg);
        break;
      case 'operator-event': {
        const a = this.attempts.get(msg.envelope.attemptId);
        if (!a) {
          slot.post({ type: 'operator-event-reply', requestId: msg.requestId, error: serializeError(new FlottError('UNKNOWN_ATTEMPT', 'Task attempt is gone')) });
          return;
        }
        const jm = this.jobMasterGateway(jobMasterOf(a.tdd));
        jm.sendOperatorEvent(msg.envelope).then(
          (result) => slot.post({ type: 'operator-event-reply', requestId: msg.requestId, result }),
          (e: unknown) => slot.post({ type: 'operator-event-reply', requestId: msg.requestId, error: serializeError(e) }),
        );
        break;
      }
      case 'stdout':
        (this.opts.stdout ?? ((t: string) => process.stdout.write(t)))(msg.text);
        break;
      case 'stderr':
        (this.opts.stderr ?? ((t: string) => process.stderr.write(t)))(msg.text);
        break;
      case 'log':
        this.threadLogSink.write(msg.line);
        break;
      case 'stats-reply': {
        const w = this.statsWaiters.get(msg.requestId);
        this.statsWaiters.delete(msg.requestId);
        w?.(msg.stats);
        break;
      }
      case 'checkpoint-ack':
      case 'checkpoint-decline': {
        const attemptId = msg.type === 'checkpoint-ack' ? msg.ack.attemptId : msg.decline.attemptId;
        const a = this.attempts.get(attemptId);
        if (!a) return;
        const jm = this.jobMasterGateway(jobMasterOf(a.tdd));
        const sent = msg.type === 'checkpoint-ack' ? jm.acknowledgeCheckpoint(msg.ack) : jm.declineCheckpoint(msg.decline);
        // Not retried: the coordinator's timeout aborts a checkpoint whose acknowledgement was lost.
        sent.catch((err: unknown) => this.log.warn({ err, ...taskLogFields(a.tdd) }, `Could not send a checkpoint ${msg.type === 'checkpoint-ack' ? 'acknowledgement' : 'decline'} to the JobMaster.`));
        break;
      }
      case 'ready': {
        slot.dataAddress = msg.dataAddress;
        const state = this.slotStates[slot.slotIndex];
        const offered = state?.offeredSlotDataAddress;
        if (state?.allocationId && offered !== undefined && offered !== msg.dataAddress) {
          // A replacement thread could not take its predecessor's port: consumers of the slot's partitions would be
          // sent to a server that is gone, so the slot goes back and is offered again with the new address.
          void this.freeSlot(state.allocationId, `slot ${slot.slotIndex}'s data server moved from ${offered} to ${msg.dataAddress ?? 'none'}`);
        }
        break;
      }
    }
  }

  /**
   * Tells the attempt's JobMaster its new state. There is no retry (none existed before logging came):
   * a report fails when the JobMaster is gone or the RPC timed out, so a report that fails is never
   * dropped silently but logged at WARN with the job and attempt.
   */
  private reportTaskState(tdd: TaskDeploymentDescriptor, update: TaskExecutionStateUpdate): void {
    const jm = this.jobMasterGateway(jobMasterOf(tdd));
    jm.updateTaskExecutionState(update).catch((err: unknown) => {
      const message = `Could not report state ${update.state} of ${taskNameWithSubtaskAndAttempt(tdd)} (${update.attemptId}) to the JobMaster`;
      this.log.warn({ err, ...taskLogFields(tdd), state: update.state }, `${message}.`);
      // As Flink's TaskExecutor: a task whose progress the JobMaster may not know fails, so the JobMaster's view and
      // the task's meet again (a task it believes INITIALIZING would otherwise wait forever for a checkpoint that
      // the JobMaster never starts). Terminal states are reconciled through the heartbeats.
      if (isTerminalExecutionState(update.state)) return;
      const a = this.attempts.get(update.attemptId);
      const error = new FlottError('TASK_STATE_NOT_REPORTED', `${message}: ${(err as Error)?.message ?? String(err)}`, { attemptId: update.attemptId, state: update.state }, { cause: err });
      a?.slot.post({ type: 'fail-task', attemptId: update.attemptId, error: serializeError(error) });
    });
  }

  /**
   * A slot thread died (e.g. out of memory): its tasks fail with the reason, its partitions are gone,
   * and a fresh thread takes the slot over, so the TaskManager stays up and the slot usable.
   */
  private onSlotExit(slot: OnDemandSlot, code: number, error: Error | undefined): void {
    if (this.closed) return;
    const reason = error ? `: ${error.message}` : '';
    const cause = new FlottError(
      'SLOT_THREAD_DIED',
      `Slot ${slot.slotIndex} of TaskManager ${this.opts.resourceId} died (exit code ${code})${reason}`,
      { slotIndex: slot.slotIndex, code },
      { cause: error },
    );
    this.log.error({ err: error, slotIndex: slot.slotIndex, exitCode: code }, `${cause.message}; starting a new slot thread.`);
    this.partitions.forgetSlot(slot);
    const replacement = this.startSlot(slot.slotIndex);
    this.slots[slot.slotIndex] = replacement;
    // An allocated slot's new thread starts now, and its failures are reported once it is ready: a restart deploys
    // into it, and consumers on other TaskManagers connect to its data server, which then listens again.
    const ready = this.slotStates[slot.slotIndex]?.allocationId === undefined ? replacement.ready : replacement.start();
    ready.catch(() => undefined); // a thread that does not start is handled when it exits (below, for each attempt)
    for (const [id, a] of this.attempts) {
      if (a.slot !== slot) continue;
      this.attempts.delete(id);
      // Report only once the new thread is ready, so a restart finds the slot usable.
      const { vertex, subtaskIndex, attemptNumber } = a.tdd;
      const taskError = new FlottError(
        'TASK_FAILED',
        `Task ${taskNameWithSubtaskAndAttempt(a.tdd)} failed: ${cause.message}`,
        { task: vertex.name, subtaskIndex, attemptNumber },
        { cause },
      );
      const update = { jobId: a.tdd.jobId, attemptId: id, state: ExecutionState.FAILED, error: serializeError(taskError) };
      ready.then(
        () => this.reportTaskState(a.tdd, update),
        (err: unknown) => {
          // The replacement thread failed to start (its own exit is handled by onSlotExit); the failure is still reported.
          this.log.error({ err, slotIndex: slot.slotIndex }, `Replacement thread of slot ${slot.slotIndex} did not start.`);
          this.reportTaskState(a.tdd, update);
        },
      );
    }
  }
}

function jobMasterOf(tdd: TaskDeploymentDescriptor): JobMasterRef {
  return { address: tdd.jobMasterAddress, jobMasterId: tdd.jobMasterId };
}
