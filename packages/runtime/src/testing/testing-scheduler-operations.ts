import type { SchedulerOperations } from '../spi/scheduling-strategy';
import type { ExecutionVertexId } from '../spi/scheduling-topology';

/**
 * Records every `allocateSlotsAndDeploy` call of a scheduling strategy, in order. An optional hook
 * (`withAllocateSlotsAndDeploy`) lets a test react, e.g. to check re-entrancy.
 */
export class TestingSchedulerOperations implements SchedulerOperations {
  /** One entry per call, each a copy of the vertices in the order given. */
  readonly calls: ExecutionVertexId[][] = [];
  private hook: (vertices: readonly ExecutionVertexId[]) => void = () => undefined;

  withAllocateSlotsAndDeploy(hook: (vertices: readonly ExecutionVertexId[]) => void): this {
    this.hook = hook;
    return this;
  }

  allocateSlotsAndDeploy(vertices: readonly ExecutionVertexId[]): void {
    this.calls.push([...vertices]);
    this.hook(vertices);
  }

  /** All deployed vertices in deployment order (flattened calls). */
  deployed(): ExecutionVertexId[] {
    return this.calls.flat();
  }

  clear(): void {
    this.calls.length = 0;
  }
}
