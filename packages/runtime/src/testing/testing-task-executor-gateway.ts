import { FlottError, serializeError } from '@flott/core';
import { isTerminalExecutionState, type ExecutionState } from '../execution/execution-state';
import type { JobMasterGateway, JobMasterRef, ResourceManagerGateway, SlotReportEntry, TaskExecutorGateway, TaskManagerStats } from '../rpc/gateways';
import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';
import type { RpcService } from '../rpc/rpc-service';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { ResourceSpec } from '../deployment/resource-spec';
import type { PostCheckpointAction } from '../snapshot/snapshot-data';

export interface SlotRequestCall {
  readonly slotIndex: number;
  readonly jobId: string;
  readonly allocationId: string;
  readonly jobMasterAddress: string;
  readonly jobMaster: JobMasterRef;
  /** The leader session id the ResourceManager sent with the request. */
  readonly resourceManagerId: string;
  /** A dynamic slot's resources (fine-grained resource management). */
  readonly resources?: ResourceSpec;
}

export interface TestingTaskExecutorOptions {
  readonly rpc: RpcService;
  readonly resourceId: string;
  /** Slots it reports when it registers (default 1). */
  readonly numberOfSlots?: number;
  /** `host:port` of its data server, offered with its slots (none by default). */
  readonly dataAddress?: string;
  /** The total resources it registers with (none by default: default slots only); a default slot takes an equal share. */
  readonly totalResources?: ResourceSpec;
}

/**
 * A TaskExecutor without slot threads, for in-process JobMaster and ResourceManager tests. It serves
 * TaskExecutorGateway on the given RpcService, records every call, and by default behaves like the
 * real TaskExecutor's control plane: `requestSlot` offers the slot to the JobMaster (and frees it
 * when the offer is refused), `submitTask` accepts a task for an allocated slot, `cancelTask` only
 * records (the test reports the task's end with `reportTaskState`), `freeSlot` tells the
 * ResourceManager. Builder-style `with*` overrides replace one call's behaviour, after the call was
 * recorded. All calls arrive through the RPC service, on the test's event loop.
 */
export class TestingTaskExecutorGateway implements TaskExecutorGateway {
  readonly address: string;
  readonly resourceId: string;
  readonly slotRequests: SlotRequestCall[] = [];
  readonly submittedTasks: TaskDeploymentDescriptor[] = [];
  readonly canceledAttempts: string[] = [];
  readonly freedSlots: Array<{ readonly allocationId: string; readonly cause: string }> = [];
  readonly releasedPartitions: Array<{ readonly jobId: string; readonly partitionKeys: readonly string[] }> = [];
  readonly checkpointTriggers: Array<{
    readonly attemptId: string; readonly checkpointId: number; readonly timestamp: number; readonly location: string; readonly alignedTimeoutMs: number;
    readonly postCheckpointAction?: PostCheckpointAction;
  }> = [];
  readonly checkpointNotifications: Array<{ readonly attemptId: string; readonly checkpointId: number; readonly completed: boolean }> = [];
  /** Coordinator → operator events, in the order they arrived. */
  readonly operatorEvents: Array<{ readonly attemptId: string; readonly operatorId: string; readonly event: unknown }> = [];
  private readonly rpc: RpcService;
  private readonly dataAddress?: string;
  private readonly slots: Array<{ allocationId?: string; jobId?: string; jobMaster?: JobMasterRef; resources?: ResourceSpec }>;
  private readonly defaultSlots: number;
  private readonly totalResources?: ResourceSpec;
  private resourceManager?: { readonly address: string; readonly fencingToken: string };
  private requestSlotHook?: (call: SlotRequestCall) => Promise<void>;
  /** Heartbeat requests received: the ResourceManager's (by its id) and JobMasters' (by job id). */
  readonly heartbeatsFromResourceManager: string[] = [];
  readonly heartbeatsFromJobManager: string[] = [];
  /** Deployed attempts not yet reported in a terminal state: what a heartbeat says runs here. */
  private readonly running = new Set<string>();
  private heartbeatAnswers: 'hang' | ((running: string[]) => string[]) | undefined;
  private submitTaskHook?: (tdd: TaskDeploymentDescriptor) => Promise<void>;
  private cancelTaskHook?: (attemptId: string) => Promise<void>;
  /** Stats requests received (the ResourceManager's fan-out for the REST API). */
  statsRequests = 0;
  private statsAnswer: 'hang' | TaskManagerStats = { heapUsedBytes: 0, taskTimes: {}, inputWatermarks: {}, taskRecords: {} };

  constructor(options: TestingTaskExecutorOptions) {
    this.rpc = options.rpc;
    this.resourceId = options.resourceId;
    this.dataAddress = options.dataAddress;
    this.slots = Array.from({ length: options.numberOfSlots ?? 1 }, () => ({}));
    this.defaultSlots = this.slots.length;
    this.totalResources = options.totalResources;
    this.address = options.rpc.register(`taskmanager-${options.resourceId}`, this as TaskExecutorGateway);
  }

  /** Replaces how a slot request is served (e.g. reject it, or never offer the slot). */
  withRequestSlot(hook: (call: SlotRequestCall) => Promise<void>): this {
    this.requestSlotHook = hook;
    return this;
  }

  /** Replaces how a deployment is served, e.g. `() => Promise.reject(new Error('boom'))`. */
  withSubmitTask(hook: (tdd: TaskDeploymentDescriptor) => Promise<void>): this {
    this.submitTaskHook = hook;
    return this;
  }

  /** Replaces how a cancellation is served, e.g. report CANCELED at once. */
  withCancelTask(hook: (attemptId: string) => Promise<void>): this {
    this.cancelTaskHook = hook;
    return this;
  }

  /** Registers its slots at the ResourceManager (fenced with its leader session id), as a TaskExecutor does when it starts. */
  async registerAt(resourceManagerAddress: string, fencingToken: string = DEFAULT_LEADER_ID): Promise<void> {
    this.resourceManager = { address: resourceManagerAddress, fencingToken };
    await this.resourceManagerGateway()!.registerTaskExecutor({
      resourceId: this.resourceId,
      address: this.address,
      slots: this.slotReport(),
      ...(this.totalResources ? {
        totalResources: this.totalResources,
        defaultSlotResources: { cpuCores: this.totalResources.cpuCores / this.defaultSlots, taskHeapMemoryMB: Math.floor(this.totalResources.taskHeapMemoryMB / this.defaultSlots) },
      } : {}),
    });
  }

  /** Default slots always, dynamic slots while allocated. */
  private slotReport(): SlotReportEntry[] {
    return this.slots.flatMap((s, slotIndex) =>
      slotIndex >= this.defaultSlots && !s.allocationId ? [] : [{ slotIndex, allocationId: s.allocationId, jobId: s.jobId, ...(s.resources ? { resources: s.resources } : {}) }]);
  }

  private resourceManagerGateway(): ResourceManagerGateway | undefined {
    const rm = this.resourceManager;
    return rm && this.rpc.connect<ResourceManagerGateway>(rm.address, { fencingToken: rm.fencingToken });
  }

  /** The process is gone: calls to it fail with RpcEndpointNotFoundError from now on. */
  disappear(): void {
    this.rpc.unregister(this.address);
  }

  /** Attempt ids of the deployed tasks, in deployment order. */
  deployedAttempts(): string[] {
    return this.submittedTasks.map((t) => t.attemptId);
  }

  /** The allocation each slot holds (undefined when free), by slot index. */
  allocations(): Array<string | undefined> {
    return this.slots.map((s) => s.allocationId);
  }

  /** Plays a state update of a deployed task to its JobMaster; resolves with the JobMaster's answer. */
  reportTaskState(attemptId: string, state: ExecutionState, error?: unknown): Promise<boolean> {
    const tdd = this.submittedTasks.find((t) => t.attemptId === attemptId);
    if (!tdd) throw new Error(`Assertion failed: attempt ${attemptId} was never deployed to ${this.resourceId}`);
    if (isTerminalExecutionState(state)) this.running.delete(attemptId);
    return this.rpc.connect<JobMasterGateway>(tdd.jobMasterAddress, { fencingToken: tdd.jobMasterId }).updateTaskExecutionState({
      jobId: tdd.jobId,
      attemptId,
      state,
      ...(error !== undefined ? { error: serializeError(error) } : {}),
    });
  }

  // ---- TaskExecutorGateway ----

  async requestSlot(slotIndex: number, jobId: string, allocationId: string, jobMaster: JobMasterRef, resourceManagerId: string, resources?: ResourceSpec): Promise<void> {
    const call = { slotIndex, jobId, allocationId, jobMasterAddress: jobMaster.address, jobMaster, resourceManagerId, ...(resources ? { resources } : {}) };
    this.slotRequests.push(call);
    if (this.requestSlotHook) return this.requestSlotHook(call);
    if (resources && slotIndex >= this.defaultSlots) {
      while (this.slots.length <= slotIndex) this.slots.push({});
      if (!this.slots[slotIndex].allocationId) this.slots[slotIndex].resources = resources;
    }
    const slot = this.slots[slotIndex];
    if (!slot) throw new FlottError('SLOT_NOT_FOUND', `TaskExecutor ${this.resourceId} has no slot ${slotIndex}`, { slotIndex });
    if (slot.allocationId && slot.allocationId !== allocationId) {
      throw new FlottError('SLOT_OCCUPIED', `Slot ${slotIndex} is allocated to ${slot.allocationId}`, { slotIndex });
    }
    Object.assign(slot, { allocationId, jobId, jobMaster });
    const jm = this.rpc.connect<JobMasterGateway>(jobMaster.address, { fencingToken: jobMaster.jobMasterId });
    const accepted = await jm.offerSlots(this.resourceId, this.address, [{ allocationId, slotIndex, ...(this.dataAddress ? { dataAddress: this.dataAddress } : {}), ...(resources ? { resources } : {}) }]);
    if (accepted.length === 0) await this.freeSlot(allocationId, 'offer rejected by the JobMaster');
  }

  async heartbeatFromResourceManager(resourceManagerId: string): Promise<readonly SlotReportEntry[]> {
    this.heartbeatsFromResourceManager.push(resourceManagerId);
    if (this.heartbeatAnswers === 'hang') return new Promise(() => undefined);
    return this.slotReport();
  }

  async heartbeatFromJobManager(jobId: string): Promise<readonly string[]> {
    this.heartbeatsFromJobManager.push(jobId);
    const running = this.submittedTasks.filter((t) => t.jobId === jobId && this.running.has(t.attemptId)).map((t) => t.attemptId);
    if (this.heartbeatAnswers === 'hang') return new Promise(() => undefined);
    return this.heartbeatAnswers ? this.heartbeatAnswers(running) : running;
  }

  /**
   * Replaces the answers to heartbeat requests: 'hang' never answers (a hung process or a network that
   * drops them); a function rewrites the attempts a JobMaster's heartbeat is told run here.
   */
  withHeartbeatAnswers(answers: 'hang' | ((running: string[]) => string[])): this {
    this.heartbeatAnswers = answers;
    return this;
  }

  /** What stats requests are answered with: these stats, or 'hang' (never answers, as a hung process). */
  withTaskManagerStats(answer: 'hang' | TaskManagerStats): this {
    this.statsAnswer = answer;
    return this;
  }

  async requestTaskManagerStats(): Promise<TaskManagerStats> {
    this.statsRequests++;
    const answer = this.statsAnswer;
    return answer === 'hang' ? new Promise(() => undefined) : answer;
  }

  async submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    this.submittedTasks.push(tdd);
    this.running.add(tdd.attemptId);
    if (this.submitTaskHook) return this.submitTaskHook(tdd);
    if (!this.slots.some((s) => s.allocationId === tdd.allocationId)) {
      throw new FlottError('SLOT_NOT_ALLOCATED', `No slot with allocation ${tdd.allocationId} on ${this.resourceId}`, { allocationId: tdd.allocationId });
    }
  }

  async cancelTask(attemptId: string): Promise<void> {
    this.canceledAttempts.push(attemptId);
    if (this.cancelTaskHook) return this.cancelTaskHook(attemptId);
  }

  async freeSlot(allocationId: string, cause: string): Promise<void> {
    this.freedSlots.push({ allocationId, cause });
    const slotIndex = this.slots.findIndex((s) => s.allocationId === allocationId);
    if (slotIndex < 0) return;
    this.slots[slotIndex] = {};
    await this.resourceManagerGateway()?.notifySlotAvailable(this.resourceId, slotIndex, allocationId);
  }

  async releasePartitions(jobId: string, partitionKeys: readonly string[]): Promise<void> {
    this.releasedPartitions.push({ jobId, partitionKeys: [...partitionKeys] });
  }

  async triggerCheckpoint(attemptId: string, checkpointId: number, timestamp: number, location: string, alignedTimeoutMs: number, postCheckpointAction?: PostCheckpointAction): Promise<void> {
    this.checkpointTriggers.push({ attemptId, checkpointId, timestamp, location, alignedTimeoutMs, ...(postCheckpointAction ? { postCheckpointAction } : {}) });
  }

  async notifyCheckpoint(attemptId: string, checkpointId: number, completed: boolean): Promise<void> {
    this.checkpointNotifications.push({ attemptId, checkpointId, completed });
  }

  async sendOperatorEventToTask(attemptId: string, operatorId: string, event: unknown): Promise<void> {
    this.operatorEvents.push({ attemptId, operatorId, event });
  }

  /** Shutdown notices of the cluster (notifyClusterShutdown), their reasons in order. */
  readonly clusterShutdowns: string[] = [];

  async notifyClusterShutdown(reason: string): Promise<void> {
    this.clusterShutdowns.push(reason);
  }

  async getBlobAddress(): Promise<string> {
    return '';
  }
}
