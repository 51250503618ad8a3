import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The framescope package folder (holding package.json), found upwards from this module, in src or dist. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "framescope"
    ) {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        "framescope's package.json not found above " + fileURLToPath(import.meta.url),
      );
    dir = up;
  }
}
