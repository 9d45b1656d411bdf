/**
 * Folders a run creates only to hold its lock (`.chatsync/`) must not outlive a run that wrote
 * nothing into them: a refused apply or a plan leaves the project as it found it.
 */
import { rmdir, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** The folders of `dir`'s path that do not exist yet, deepest first. */
export async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      await stat(d);
      return missing;
    } catch {
      missing.push(d);
      if (dirname(d) === d) return missing;
    }
  }
}

/** Removes those of `folders` (deepest first) that are still empty; a folder with content stays. */
export async function removeIfEmpty(folders: readonly string[]): Promise<void> {
  for (const d of folders) {
    // rmdir refuses a non-empty folder (ENOTEMPTY): exactly the folders that got content stay.
    if (
      !(await rmdir(d).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}
