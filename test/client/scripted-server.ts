/**
 * A tiny `node:http` server on 127.0.0.1:0 whose answers a test scripts request by request,
 * recording everything the client sent (method, URL, headers, body).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Responder = (
  req: RecordedRequest,
  res: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

export interface ScriptedServer {
  /** `http://127.0.0.1:PORT/api/partner`, the client's base URL. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(respond: Responder): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const rec: RecordedRequest = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(rec);
      Promise.resolve(respond(rec, res, raw)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/partner`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "x-trace-id": "0af7651916cd43dd8448eb211c80319c",
    ...headers,
  });
  res.end(text);
}

/** The §2.1 error envelope. */
export function sendApiError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  extra: { retryAfter?: number; headers?: Record<string, string>; traceId?: string } = {},
): void {
  const traceId = extra.traceId ?? "2eff5df5c6f688733c007523c4d61cd9";
  sendJson(
    res,
    status,
    {
      success: false,
      error: {
        status,
        code,
        message,
        ...(extra.retryAfter !== undefined ? { retry_after: extra.retryAfter } : {}),
        doc_url: `https://docs.linqapp.com/error/codes/${String(code)[0]}xxx/${code}/`,
      },
      trace_id: traceId,
    },
    { "x-trace-id": traceId, ...extra.headers },
  );
}

/** Drops the connection with a TCP RST after the request was fully received. */
export function resetConnection(raw: IncomingMessage): void {
  raw.socket.resetAndDestroy();
}

export const CHAT = {
  id: "5d1f7c4e-8c1a-4f39-9c33-0c8a1b2d3e4f",
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  display_name: "Eng On-Call",
  handles: [],
  is_group: true,
  is_archived: false,
  health_status: {
    status: "HEALTHY",
    doc_url: "https://docs.linqapp.com",
    updated_at: "2026-01-01T00:00:00.000Z",
  },
};
