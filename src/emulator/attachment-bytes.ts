/**
 * Where uploaded attachment bytes live (§5.11). Never in the `--data` JSON: an upload may be
 * 100 MB, and every request rewrites that file. Without a data file the bytes stay in memory;
 * with one they are files in a folder beside it (`F.attachments/<attachment id>`), so every
 * process sharing F serves them and they survive a restart together with their metadata.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";

export class AttachmentBytes {
  private readonly memory = new Map<string, Buffer>();

  /** `folder` undefined → memory only. */
  constructor(readonly folder: string | undefined) {}

  /** The folder used for a data file, or undefined without one. */
  static besideDataFile(dataFile: string | undefined): AttachmentBytes {
    return new AttachmentBytes(dataFile === undefined ? undefined : `${dataFile}.attachments`);
  }

  /** `id` must be an id the emulator generated (a UUID): it becomes a file name. */
  put(id: string, bytes: Buffer): void {
    if (this.folder === undefined) {
      this.memory.set(id, bytes);
      return;
    }
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    writeFileAtomic.sync(join(this.folder, id), bytes, { fsync: false, mode: 0o600 });
  }

  get(id: string): Buffer | undefined {
    if (this.folder === undefined) return this.memory.get(id);
    const file = join(this.folder, id);
    return existsSync(file) ? readFileSync(file) : undefined;
  }

  delete(id: string): void {
    if (this.folder === undefined) this.memory.delete(id);
    else rmSync(join(this.folder, id), { force: true });
  }

  clear(): void {
    this.memory.clear();
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
  }
}
