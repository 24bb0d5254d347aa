import {
  InvalidStateConfigurationError,
  KeyedBroadcastProcessFunction,
  MapStateDescriptor,
  ValueStateDescriptor,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type ValueState,
} from '@flott/core';
import { CoBroadcastWithKeyedOperator, CoBroadcastWithNonKeyedOperator } from './broadcast-operators';
import { TwoInputOperatorTestHarness } from './testing/operator-test-harness';

interface Rule {
  readonly name: string;
  readonly threshold: number;
}
interface Event {
  readonly user: string;
  readonly amount: number;
}
const RULES = new MapStateDescriptor<string, Rule>('rules');
const TOTAL = new ValueStateDescriptor<number>('total');

/** Sums amounts per user; every rule whose threshold a user's total crossed fires once. Rules added later apply to existing totals. */
class ThresholdAlerts extends KeyedBroadcastProcessFunction<string, Event, Rule, string> {
  private total!: ValueState<number>;
  override open(): void {
    this.total = this.getRuntimeContext().getState(TOTAL);
  }
  processElement(e: Event, ctx: KeyedBroadcastReadOnlyContext<string>, out: Collector<string>): void {
    const before = this.total.value() ?? 0;
    const after = before + e.amount;
    this.total.update(after);
    for (const [name, rule] of ctx.getBroadcastState(RULES).immutableEntries()) {
      if (before < rule.threshold && after >= rule.threshold) out.collect(`${ctx.getCurrentKey()}>${name}`);
    }
  }
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext, out: Collector<string>): void {
    ctx.getBroadcastState(RULES).put(rule.name, rule);
    ctx.applyToKeyedState<ValueState<number>>(TOTAL, (key, total) => {
      if ((total.value() ?? 0) >= rule.threshold) out.collect(`${String(key)}>${rule.name}`);
    });
  }
}

describe('broadcast state operators', () => {
  it('keyed: rules on the broadcast side, events keyed; applyToKeyedState visits every key', async () => {
    const h = new TwoInputOperatorTestHarness<Event, Rule, string>(new CoBroadcastWithKeyedOperator(new ThresholdAlerts(), [RULES]), {
      keySelector: (e: Event) => e.user,
    });
    await h.open();
    h.processElement2({ name: 'big', threshold: 100 });
    h.processElement1({ user: 'ann', amount: 60 });
    h.processElement1({ user: 'bob', amount: 30 });
    h.processElement1({ user: 'ann', amount: 50 });
    h.processElement2({ name: 'small', threshold: 40 });
    h.processElement1({ user: 'bob', amount: 20 });
    h.processElement1({ user: 'bob', amount: 60 });
    expect(h.output.values()).toEqual(['ann>big', 'ann>small', 'bob>small', 'bob>big']);
    expect(h.operatorStateStore.getBroadcastState(RULES).keys()).toEqual(['big', 'small']);
  });

  it('non-keyed: the non-broadcast side reads, the broadcast side writes', async () => {
    let readOnlyHasPut = true;
    const h = new TwoInputOperatorTestHarness<string, [string, string], string>(
      new CoBroadcastWithNonKeyedOperator<string, [string, string], string>(
        {
          processElement: (word: string, ctx: BroadcastReadOnlyContext, out: Collector<string>) => {
            const state = ctx.getBroadcastState(new MapStateDescriptor<string, string>('dict'));
            readOnlyHasPut = 'put' in state;
            out.collect(state.get(word) ?? word);
          },
          processBroadcastElement: ([from, to]: [string, string], ctx: BroadcastContext) => {
            if (to === '') ctx.getBroadcastState(new MapStateDescriptor<string, string>('dict')).remove(from);
            else ctx.getBroadcastState(new MapStateDescriptor<string, string>('dict')).put(from, to);
          },
        },
        [new MapStateDescriptor<string, string>('dict')],
      ),
    );
    await h.open();
    h.processElement1('hi');
    h.processElement2(['hi', 'hello']);
    h.processElement1('hi');
    h.processElement2(['hi', '']);
    h.processElement1('hi');
    expect(h.output.values()).toEqual(['hi', 'hello', 'hi']);
    expect(readOnlyHasPut).toBe(false);
  });

  it('refuses broadcast state that was not given to broadcast(...)', async () => {
    const h = new TwoInputOperatorTestHarness<string, string, string>(
      new CoBroadcastWithNonKeyedOperator<string, string, string>(
        {
          processElement: () => undefined,
          processBroadcastElement: (v, ctx) => ctx.getBroadcastState(new MapStateDescriptor<string, string>('other')).put(v, v),
        },
        [RULES as MapStateDescriptor<unknown, unknown>],
      ),
    );
    await h.open();
    expect(() => h.processElement2('x')).toThrow(InvalidStateConfigurationError);
  });
});
