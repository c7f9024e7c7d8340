import { JobCounts, jobOutcome } from '../../src/modules/emails/jobs/job-outcome';

const counts = (c: Partial<JobCounts>): JobCounts => ({
  total: 10,
  processed: 10,
  succeeded: 10,
  found: 10,
  errors: {},
  apiCalls: 5,
  ...c,
});

describe('email job outcome (SEED-CONTRACTS part C)', () => {
  it('no leads: completed without an error', () => {
    expect(
      jobOutcome(counts({ total: 0, processed: 0, succeeded: 0, found: 0, apiCalls: 0 })),
    ).toEqual({
      state: 'completed',
      error_message: null,
    });
  });

  it('more than half of the errors rate limits or timeouts: failed; exactly half: not', () => {
    expect(
      jobOutcome(counts({ succeeded: 7, found: 7, errors: { RATE_LIMITED: 2, BAD_INPUT: 1 } }))
        .state,
    ).toBe('failed');
    expect(
      jobOutcome(counts({ succeeded: 6, found: 6, errors: { TIMEOUT: 3, NOT_FOUND: 1 } })).state,
    ).toBe('failed');
    expect(
      jobOutcome(counts({ succeeded: 8, found: 8, errors: { RATE_LIMITED: 1, NOT_FOUND: 1 } })),
    ).toEqual({ state: 'completed', error_message: null });
  });

  it('nothing processed and no API calls: failed', () => {
    expect(
      jobOutcome(counts({ succeeded: 0, found: 0, apiCalls: 0, errors: { NOT_FOUND: 10 } })),
    ).toEqual({ state: 'failed', error_message: 'Nothing processed and no API calls made' });
  });

  it('below 10 % found: completed with "Low success rate"; 10 % is enough', () => {
    expect(jobOutcome(counts({ total: 20, found: 1 }))).toEqual({
      state: 'completed',
      error_message: 'Low success rate',
    });
    expect(jobOutcome(counts({ total: 20, found: 2 }))).toEqual({
      state: 'completed',
      error_message: null,
    });
  });
});
