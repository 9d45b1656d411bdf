/**
 * The typed surface of the Linq Partner API v3 that chatsync speaks. The HTTP implementation
 * lives in `linq-client.ts`; engine functions take `Pick<LinqApi, ...>` of just the calls they
 * make, so tests hand in small fakes and a reader sees what a function may touch.
 */
import type {
  CapabilityResponse,
  Chat,
  ContactCard,
  CreateChatRequest,
  CreateChatResponse,
  CreatedWebhookSubscription,
  CreateContactCardRequest,
  CreateWebhookSubscriptionRequest,
  ListChatsResponse,
  ListMessagesResponse,
  ListWebhookEventsResponse,
  LocationRequestResponse,
  LocationResponse,
  Message,
  MessageContent,
  PhoneNumber,
  QueuedResponse,
  SendMessageResponse,
  UpdateChatRequest,
  UpdateChatResponse,
  UpdateContactCardRequest,
  UpdateWebhookSubscriptionRequest,
  WebhookSubscription,
} from "../../api-wire/types.js";

export interface ListChatsParams {
  from?: string;
  to?: string;
  /** Page size, 1–100. */
  limit?: number;
  cursor?: string;
}

export interface LinqApi {
  listPhoneNumbers(): Promise<PhoneNumber[]>;

  /** One page of GET /v3/chats. */
  listChatsPage(params?: ListChatsParams): Promise<ListChatsResponse>;
  /** Every chat, following `next_cursor` until it is empty. */
  listChats(params?: Omit<ListChatsParams, "cursor">): AsyncIterable<Chat>;
  getChat(chatId: string): Promise<Chat>;
  /**
   * With `message.idempotency_key` a failed attempt whose outcome is unknown (no answer after
   * sending, a 5xx) is sent again, as for every write that carries the key. `replayUncertain:
   * false` surfaces that failure instead, for a caller that first looks for what the attempt
   * did (the engine, since chat dedup by key is UNSETTLED §12.1).
   */
  createChat(
    body: CreateChatRequest,
    options?: { replayUncertain?: boolean },
  ): Promise<CreateChatResponse>;
  updateChat(chatId: string, body: UpdateChatRequest): Promise<UpdateChatResponse>;
  markChatRead(chatId: string): Promise<void>;
  leaveChat(chatId: string): Promise<QueuedResponse>;
  shareContactCard(chatId: string): Promise<void>;
  sendVoiceMemo(
    chatId: string,
    body: { voice_memo_url?: string; attachment_id?: string },
  ): Promise<unknown>;

  addParticipant(chatId: string, handle: string): Promise<QueuedResponse>;
  removeParticipant(chatId: string, handle: string): Promise<QueuedResponse>;

  startTyping(chatId: string): Promise<void>;
  stopTyping(chatId: string): Promise<void>;

  sendMessage(chatId: string, message: MessageContent): Promise<SendMessageResponse>;
  listMessagesPage(
    chatId: string,
    params?: { limit?: number; cursor?: string },
  ): Promise<ListMessagesResponse>;
  listMessages(chatId: string, params?: { limit?: number }): AsyncIterable<Message>;

  requestLocation(chatId: string): Promise<LocationRequestResponse>;
  getLocation(chatId: string): Promise<LocationResponse>;

  listWebhookSubscriptions(): Promise<WebhookSubscription[]>;
  getWebhookSubscription(id: string): Promise<WebhookSubscription>;
  createWebhookSubscription(
    body: CreateWebhookSubscriptionRequest,
  ): Promise<CreatedWebhookSubscription>;
  updateWebhookSubscription(
    id: string,
    body: UpdateWebhookSubscriptionRequest,
  ): Promise<WebhookSubscription>;
  deleteWebhookSubscription(id: string): Promise<void>;
  listWebhookEvents(): Promise<ListWebhookEventsResponse>;

  /** GET /v3/contact_card (all cards, or the one line's when `phoneNumber` is given). */
  listContactCards(phoneNumber?: string): Promise<ContactCard[]>;
  createContactCard(body: CreateContactCardRequest): Promise<ContactCard>;
  updateContactCard(phoneNumber: string, body: UpdateContactCardRequest): Promise<ContactCard>;

  checkIMessage(address: string, from?: string): Promise<CapabilityResponse>;
  checkRcs(address: string, from?: string): Promise<CapabilityResponse>;
}
