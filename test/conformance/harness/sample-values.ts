/** Sample values for tests: recipient handles that are never an emulator line, ids, parts. */
export function recipient(n: number): string {
  return `+1415555${String(1000 + n).padStart(4, "0")}`;
}

/** A valid E.164 number that no emulator token owns (for 403/2006). */
export const FOREIGN_LINE = "+19995550142";

export const UNKNOWN_UUID = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";

export const TEXT = (value: string) => ({ type: "text" as const, value });
