// Event time: watermark generators and the operator that assigns timestamps and watermarks.
export { TimestampsAndWatermarksOperator } from './timestamps-and-watermarks-operator';
