/** §2.3: error codes the product produces or reacts to, with their HTTP status. */
export const ErrorCode = {
  MissingRequiredField: 1001,
  InvalidPhoneFormat: 1002,
  InvalidRequestBody: 1003,
  InvalidMessageContent: 1004,
  InvalidParameterValue: 1005,
  CannotUpdateDM: 1006,
  RateLimitExceeded: 1007,
  InvalidIMessageApp: 1008,
  ChatNotFound: 2001,
  MessageNotFound: 2002,
  AttachmentNotFound: 2003,
  Unauthorized: 2004,
  AccessDenied: 2005,
  PhonePermissionDenied: 2006,
  AttachmentNotReady: 2007,
  RecipientNotAllowed: 2008,
  ChatBeingCreated: 2009,
  WebhookSubscriptionNotFound: 2010,
  FeatureNotAvailable: 2011,
  ContactCardNotFound: 2012,
  ChatUnavailable: 2013,
  ContactCardExists: 2014,
  StateConflict: 2015,
  GroupChatNotSupported: 2016,
  ChatServiceNotSupported: 2017,
  IMessageAppServiceUnsupported: 2018,
  PhoneNumberNotFound: 2019,
  ContactCardSetupFailed: 2022,
  ServerConnectionError: 3001,
  InternalServerError: 3006,
  ServiceUnavailable: 4004,
  InvalidFileType: 5004,
  FileTooLarge: 5005,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export function docUrlFor(code: number): string {
  return `https://docs.linqapp.com/error/codes/${String(code).charAt(0)}xxx/${code}/`;
}

/**
 * Codes that describe a permanent state (§11): a client must not retry them even though the
 * official SDK retries every 409 by default.
 */
export const FINAL_CONFLICT_CODES: ReadonlySet<number> = new Set([
  1006, 2013, 2014, 2016, 2017, 2018,
]);
