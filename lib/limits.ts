// The contract's numbers, apart from its schemas: the browser needs these without shipping zod.
export const MAX_MESSAGE_LENGTH = 4000;
export const PAGE_SIZE = 50;
/** The most messages one history call may ask for. */
export const PAGE_MAX = 100;
/** The sender repeats "typing" at most this often while typing; receivers forget it after TYPING_TTL_MS. */
export const TYPING_REPEAT_MS = 3_000;
export const TYPING_TTL_MS = 6_000;
/** Chats per page of the inbox: the first page is what the app waits for at start. */
export const INBOX_PAGE_SIZE = 50;
export const INBOX_PAGE_MAX = 200;
/** Conversations one receipts.ack call may acknowledge. */
export const RECEIPTS_PER_CALL = 200;
/** Calls one HTTP request may batch (the server refuses more; the client splits its batches to fit). */
export const MAX_CALLS_PER_BATCH = 16;
/** Your own message can be edited this long after it was sent, and deleted for everyone this long. */
export const EDIT_WINDOW_MS = 15 * 60_000;
export const DELETE_WINDOW_MS = 60 * 60_000;
/** A reaction is one emoji: the longest (family and flag sequences) are well under this many UTF-16 units. */
export const MAX_REACTION_LENGTH = 32;
/** A reply shows this much of the message it quotes. */
export const QUOTE_LENGTH = 200;
/** Search results per page. */
export const SEARCH_PAGE_SIZE = 20;
export const SEARCH_PAGE_MAX = 50;
/** Messages one "Delete for me" may hide at once. */
export const MAX_HIDE = 100;
