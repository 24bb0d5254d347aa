import { eventsFor } from './nexmark-child';

describe('Nexmark bench run sizing', () => {
  it('sizes a run to the seconds asked at the warm-up rate, in steps of 100 000 events', () => {
    expect(eventsFor(2_000_000, 2.5)).toBe(5_000_000);
    expect(eventsFor(733_333, 3)).toBe(2_200_000);
  });

  it('keeps runs between 500 000 and 30 M events', () => {
    expect(eventsFor(50_000, 2.5)).toBe(500_000);
    expect(eventsFor(100_000_000, 2.5)).toBe(30_000_000);
  });
});
