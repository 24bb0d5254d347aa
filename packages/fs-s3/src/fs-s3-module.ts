import { ContainerModule } from 'inversify';
import { CheckpointFileSystemFactory } from '@flott/runtime/spi';
import { S3CheckpointFileSystemFactory } from './s3-checkpoint-file-system-factory';

/** Binds the `s3` file system: the file-based checkpoint storages then accept s3:// directories and pointers. */
export const fsS3Module = new ContainerModule((options) => {
  options.bind(CheckpointFileSystemFactory).toConstantValue(new S3CheckpointFileSystemFactory());
});
