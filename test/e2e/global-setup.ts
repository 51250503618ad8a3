import { missingPrerequisite } from "./harness.js";

/** Fails the browser tests at once, with the reason, when Chromium or the built bridge is missing. */
export default function checkPrerequisites(): void {
  const missing = missingPrerequisite();
  if (missing !== null) throw new Error(`browser tests (test/e2e) cannot run: ${missing}`);
}
