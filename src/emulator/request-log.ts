/** The record behind GET /__emulator/requests: one entry per public API request. */
export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Full request path without the query, e.g. /api/partner/v3/chats. */
  path: string;
  /** HTTP status sent; 0 when the connection was reset before any response. */
  status: number;
  query?: string;
  /** The injected fault, when one hit this request. */
  fault?: "status" | "reset_connection" | "drop_response_after_commit";
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, "seq">): void {
    this.items.push({ seq: ++this.seq, ...entry });
  }

  entries(): RequestLogEntry[] {
    return [...this.items];
  }

  /** Empties the log; sequence numbers keep increasing so old `seq` marks stay meaningful. */
  clear(): void {
    this.items = [];
  }
}
