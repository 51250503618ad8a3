/**
 * Appends every item to `to`, one by one. `to.push(...items)` passes each item
 * as an argument, and from about 100,000 items that overflows the call stack:
 * never spread an array whose length the input decides.
 */
export function appendAll<T>(to: T[], items: Iterable<T>): void {
  for (const x of items) to.push(x);
}
