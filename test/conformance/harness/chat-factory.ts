/** Short ways to make the chats tests start from, through the official SDK. */
import type LinqAPIV3 from "@linqapp/sdk";
import { TEXT } from "./sample-values.js";

export type CreatedChat = Awaited<ReturnType<LinqAPIV3["chats"]["create"]>>["chat"];

export async function createChat(
  sdk: LinqAPIV3,
  from: string,
  to: string[],
  text = "Hello from the conformance suite",
): Promise<CreatedChat> {
  const { chat } = await sdk.chats.create({ from, to, message: { parts: [TEXT(text)] } });
  return chat;
}
