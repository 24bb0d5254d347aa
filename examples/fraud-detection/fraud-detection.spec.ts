import { parsePrinted, runExample } from '../run-example';
import type { Alert } from './fraud-detection';
import { LARGE_AMOUNT, ONE_MINUTE, SMALL_AMOUNT, transactionAt, type Transaction } from './transactions';

/** The rule, computed plainly: per account, a large transaction right after a small one less than a minute old. */
function expectedAlerts(n: number): Alert[] {
  const previous = new Map<number, Transaction>();
  const alerts: Alert[] = [];
  for (let i = 0; i < n; i++) {
    const tx = transactionAt(i);
    const prev = previous.get(tx.accountId);
    if (prev && prev.amount < SMALL_AMOUNT && tx.amount > LARGE_AMOUNT && tx.timestamp < prev.timestamp + ONE_MINUTE) {
      alerts.push({ accountId: tx.accountId, smallAt: prev.timestamp, largeAt: tx.timestamp, amount: tx.amount });
    }
    previous.set(tx.accountId, tx);
  }
  return alerts;
}

const order = (a: Alert, b: Alert) => a.largeAt - b.largeAt;

describe('fraud-detection example', () => {
  it.each([1, 2])('raises exactly the alerts of the rule at parallelism %i', (p) => {
    const n = 3000;
    const r = runExample(['-p', String(p), '-D', 'taskmanager.numberOfTaskSlots=2', 'examples/fraud-detection/fraud-detection.ts', '--transactions', String(n)]);
    expect(r.code).toBe(0);
    const expected = expectedAlerts(n);
    expect(expected.length).toBeGreaterThan(3);
    expect(r.lines.map((l) => parsePrinted<Alert>(l)).sort(order)).toEqual(expected.sort(order));
  });
});
