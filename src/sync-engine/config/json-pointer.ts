/** RFC 6901 JSON pointers, the `path` of every diagnostic. */

export type DocPath = readonly (string | number)[];

export function toJsonPointer(path: DocPath): string {
  return path.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** Inverse of toJsonPointer; numeric segments stay strings (callers look up by key). */
export function fromJsonPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
