/** Builds a pipeline but never calls execute(). */
import { StreamExecutionEnvironment } from '@flott/api-datastream';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(1, 2, 3).map((x) => x * 2).print();
