/**
 * Writing a webhook signing secret to its `secret_file`: parent folders created, mode 0600
 * from the first byte (atomic write with the mode set on the temp file), never logged.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomic from "write-file-atomic";

export class SecretFileError extends Error {
  readonly code = "SECRET_FILE_WRITE_FAILED";
  constructor(path: string, detail: string) {
    super(
      `Cannot write the signing secret to ${path}: ${detail}. The subscription exists; fix the path or permissions and run apply again (a missing secret file makes chatsync replace the subscription to get a new secret).`,
    );
    this.name = "SecretFileError";
  }
}

export async function writeSecretFile(path: string, secret: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${secret}\n`, { mode: 0o600 });
  } catch (err) {
    throw new SecretFileError(path, (err as Error).message);
  }
}
