import type { SerializedError } from '@flott/core';
import type { CheckpointAcknowledgement, CheckpointDecline, JobMasterGateway,
  JobMasterRef, OperatorEventEnvelope, SlotOffer, TaskExecutionStateUpdate } from '../rpc/gateways';
import type { RpcService } from '../rpc/rpc-service';

export interface SlotOfferCall {
  readonly taskExecutorId: string;
  readonly taskExecutorAddress: string;
  readonly offers: readonly SlotOffer[];
}

/**
 * A JobMaster for ResourceManager and TaskExecutor tests: serves JobMasterGateway on the given
 * RpcService under `jobmaster-${jobId}` and records every call. By default it accepts every slot
 * offer and every state update; `with*` overrides replace that after the call was recorded.
 */
export class TestingJobMasterGateway implements JobMasterGateway {
  readonly address: string;
  readonly slotOffers: SlotOfferCall[] = [];
  readonly stateUpdates: TaskExecutionStateUpdate[] = [];
  readonly operatorEvents: OperatorEventEnvelope[] = [];
  readonly allocationFailures: Array<{ readonly allocationId: string; readonly cause: SerializedError }> = [];
  readonly resourceManagerDisconnects: SerializedError[] = [];
  readonly checkpointAcks: CheckpointAcknowledgement[] = [];
  readonly checkpointDeclines: CheckpointDecline[] = [];
  /** PIPELINED partitions whose first data was reported, as `attemptId partitionKey`. */
  readonly partitionsWithData: string[] = [];
  /** Attempts that reported the end of their data. */
  readonly endOfData: string[] = [];
  private offerSlotsHook: (call: SlotOfferCall) => Promise<SlotOffer[]> = async (call) => [...call.offers];
  private updateTaskExecutionStateHook: (update: TaskExecutionStateUpdate) => Promise<boolean> = async () => true;

  constructor(
    private readonly rpc: RpcService,
    readonly jobId: string,
  ) {
    this.address = rpc.register(`jobmaster-${jobId}`, this as JobMasterGateway);
  }

  /** How the ResourceManager and TaskExecutors address it (its gateway is not fenced: any JobMasterId is accepted). */
  get ref(): JobMasterRef {
    return { address: this.address, jobMasterId: `testing-jobmaster-${this.jobId}` };
  }

  /** Replaces which offers are accepted, e.g. `async () => []` to refuse them all. */
  withOfferSlots(hook: (call: SlotOfferCall) => Promise<SlotOffer[]>): this {
    this.offerSlotsHook = hook;
    return this;
  }

  /** Replaces the answer to task state reports (recorded either way), e.g. one that rejects. */
  withUpdateTaskExecutionState(hook: (update: TaskExecutionStateUpdate) => Promise<boolean>): this {
    this.updateTaskExecutionStateHook = hook;
    return this;
  }

  /** Allocation ids of every accepted-or-not offer, in arrival order. */
  offeredAllocations(): string[] {
    return this.slotOffers.flatMap((c) => c.offers.map((o) => o.allocationId));
  }

  close(): void {
    this.rpc.unregister(this.address);
  }

  async offerSlots(taskExecutorId: string, taskExecutorAddress: string, offers: readonly SlotOffer[]): Promise<SlotOffer[]> {
    const call = { taskExecutorId, taskExecutorAddress, offers: [...offers] };
    this.slotOffers.push(call);
    return this.offerSlotsHook(call);
  }

  async updateTaskExecutionState(update: TaskExecutionStateUpdate): Promise<boolean> {
    this.stateUpdates.push(update);
    return this.updateTaskExecutionStateHook(update);
  }

  async sendOperatorEvent(envelope: OperatorEventEnvelope): Promise<unknown> {
    this.operatorEvents.push(envelope);
    return undefined;
  }

  async notifyAllocationFailure(allocationId: string, cause: SerializedError): Promise<void> {
    this.allocationFailures.push({ allocationId, cause });
  }

  /** Heartbeat requests from the ResourceManager, by its id. */
  readonly heartbeatsFromResourceManager: string[] = [];

  async heartbeatFromResourceManager(resourceManagerId: string): Promise<void> {
    this.heartbeatsFromResourceManager.push(resourceManagerId);
  }

  async disconnectResourceManager(cause: SerializedError): Promise<void> {
    this.resourceManagerDisconnects.push(cause);
  }

  async acknowledgeCheckpoint(ack: CheckpointAcknowledgement): Promise<void> {
    this.checkpointAcks.push(ack);
  }

  async declineCheckpoint(decline: CheckpointDecline): Promise<void> {
    this.checkpointDeclines.push(decline);
  }

  async notifyPartitionDataAvailable(attemptId: string, partitionKey: string): Promise<void> {
    this.partitionsWithData.push(`${attemptId} ${partitionKey}`);
  }

  async notifyEndOfData(attemptId: string): Promise<void> {
    this.endOfData.push(attemptId);
  }
}
