// Event time: watermark generators and the operator that assigns timestamps and watermarks.
export { BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator, WatermarksWithIdleness } from './watermark-generator';
export type { WatermarkOutput, WatermarkGenerator, TimestampAssigner, WatermarkGeneratorContext, WatermarkStrategyLike } from './watermark-generator';
export { TimestampsAndWatermarksOperator } from './timestamps-and-watermarks-operator';
