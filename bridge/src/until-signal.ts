/**
 * Resolves on the first SIGINT or SIGTERM (Ctrl-C) so the caller can stop
 * cleanly; a second one while stopping exits at once with status 130.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const again = (): void => process.exit(130);
      process.once("SIGINT", again);
      process.once("SIGTERM", again);
      resolve(signal);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}
