import { ContainerModule } from 'inversify';
import { HighAvailabilityServicesFactory, ResourceManagerDriverFactory } from '@flott/runtime/spi';
import { LocalProcessesDriverFactory } from './local-processes-driver-factory';
import { StandaloneHighAvailabilityServicesFactory } from './standalone-high-availability-services';

/**
 * Binds the `none` high-availability services and the `local-processes` resource manager driver.
 * `standalone` itself needs no driver: its TaskManagers register on their own.
 */
export const standaloneModule = new ContainerModule((options) => {
  options.bind(HighAvailabilityServicesFactory).toConstantValue(new StandaloneHighAvailabilityServicesFactory());
  options.bind(ResourceManagerDriverFactory).toConstantValue(new LocalProcessesDriverFactory());
});
