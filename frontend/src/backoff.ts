/**
 * Reconnect delays for the OOB socket. Pure.
 */

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 8000;
/** Up to this fraction is taken off each delay at random. */
export const BACKOFF_JITTER = 0.2;

/**
 * The wait before reconnect attempt `attempt` (0-based): 0.5 s doubling up to 8 s,
 * each shortened by up to 20 % at random so that the tabs that lost the same server
 * do not all come back in the same millisecond.
 *
 * @example backoffDelay(0, () => 0) === 500; backoffDelay(10, () => 0) === 8000
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - BACKOFF_JITTER * random()));
}
