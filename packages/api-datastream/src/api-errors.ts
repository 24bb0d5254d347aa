import { FlottError } from '@flott/core';

/** `execute()` ran outside `flott run` (no execution context installed). */
export class MissingExecutionContextError extends FlottError {
  constructor() {
    super(
      'NO_EXECUTION_CONTEXT',
      'No execution context: a Flott job runs through the CLI. Run it with `npx flott run <job>` (e.g. `npx flott run job.ts`).',
    );
  }
}

/** Program arguments that ParameterTool cannot parse, or a required/typed one that is missing or malformed. */
export class ProgramArgumentsError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('INVALID_PROGRAM_ARGUMENTS', message, data);
  }
}
