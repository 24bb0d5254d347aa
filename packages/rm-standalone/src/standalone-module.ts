import { ContainerModule } from 'inversify';
import { HighAvailabilityServicesFactory } from '@flott/runtime/spi';
import { StandaloneHighAvailabilityServicesFactory } from './standalone-high-availability-services';

/** Binds the `none` high-availability services. The standalone ResourceManager driver comes later. */
export const standaloneModule = new ContainerModule((options) => {
  options.bind(HighAvailabilityServicesFactory).toConstantValue(new StandaloneHighAvailabilityServicesFactory());
});
