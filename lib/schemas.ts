// The API contract: every procedure input and the shapes it returns, shared by client and server.
import { z } from 'zod';
import { INBOX_PAGE_MAX, INBOX_PAGE_SIZE, MAX_HIDE, MAX_MESSAGE_LENGTH, MAX_REACTION_LENGTH, PAGE_MAX, PAGE_SIZE, RECEIPTS_PER_CALL, SEARCH_PAGE_MAX, SEARCH_PAGE_SIZE } from './limits.ts';
import { isSearchable } from './search.ts';
import { isOneEmoji } from './emoji.ts';
import { MEDIA_PAGE_MAX, WAVEFORM_STEPS, type MediaSummary, type SharedLocation } from './media.ts';

export type UserId = string & { readonly __brand?: 'UserId' };
export type ConversationId = string & { readonly __brand?: 'ConversationId' };

/**
 * Text. Every string a person types goes through one of these two, so the same characters are
 * refused everywhere with a message that names the field (PostgreSQL cannot store U+0000, and a lone
 * UTF-16 surrogate is no character at all):
 * - `lineText` (names, titles, queries): no control characters (C0, DEL, C1), no bidirectional
 *   embedding, override or isolate controls (they let a name display as another), no lone surrogates;
 * - `multilineText` (message bodies, descriptions): tab and line breaks allowed, and bidirectional
 *   controls (right-to-left writers use them; the app shows each message in its own direction);
 *   other control characters and lone surrogates are refused.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_BUT_TAB_AND_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

function text(label: string, refused: RegExp[]) {
  return z
    .string()
    .refine((t) => !LONE_SURROGATE.test(t), `${label} contains invalid Unicode (a lone surrogate)`)
    .refine((t) => !refused.some((r) => r.test(t)), `${label} cannot contain control characters`);
}
export const lineText = (label: string) => text(label, [CONTROL, BIDI_CONTROL]);
/** Text from elsewhere (a file's name) made fit for a line: what lineText refuses, taken out. */
export const withoutControls = (t: string) => t.replace(new RegExp(`${LONE_SURROGATE.source}|${CONTROL.source}|${BIDI_CONTROL.source}`, 'g'), '');
export const multilineText = (label: string) => text(label, [CONTROL_BUT_TAB_AND_BREAKS]);

/** Ids are UUIDs, compared in their canonical lower-case form whatever case they arrive in. */
export const uuid = z.uuid().transform((id) => id.toLowerCase());

export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'Username must be at least 3 characters')
  .max(32, 'Username must be at most 32 characters')
  .regex(/^[a-z0-9_.]+$/, 'Use only letters, digits, dots and underscores');

export const password = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password must be at most 200 characters')
  .refine((p) => /[a-zA-Z]/.test(p) && /[^a-zA-Z]/.test(p), 'Password needs letters and at least one digit or symbol')
  .refine((p) => !LONE_SURROGATE.test(p) && !p.includes('\u0000'), 'Password contains a character that cannot be used');

const displayName = lineText('Display name').trim().min(1, 'Display name is required').max(64, 'Display name must be at most 64 characters');
export const ABOUT_MAX = 140;
/** Who sees something of a person (their presence, their photo): everyone, their contacts, nobody. */
const audience = z.enum(['everyone', 'contacts', 'nobody']);

/** How people may get an account here (server/admin): anyone, with an invite link, or nobody. */
export const registrationMode = z.enum(['open', 'invite', 'closed']);
export type RegistrationMode = z.infer<typeof registrationMode>;
const inviteCode = z.string().trim().min(1).max(100);

export const registerInput = z.object({ username, displayName, password, invite: inviteCode.optional() });
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z.object({ username, password: z.string().min(1).max(200) });
export type LoginInput = z.infer<typeof loginInput>;

const tokenName = lineText('Token name').trim().min(1, 'Give the token a name').max(100, 'Token name must be at most 100 characters');
/** A personal access token from a username and password (scripts with no browser at hand). */
export const createTokenInput = loginInput.extend({ name: tokenName.default('API token') });
export type CreateTokenInput = z.infer<typeof createTokenInput>;
export const createAccessTokenInput = z.object({ name: tokenName });
export const endSessionInput = z.object({ sessionId: uuid });
export const changePasswordInput = z.object({ currentPassword: z.string().min(1, 'Enter your current password').max(200), newPassword: password });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** A signed-in browser or a personal access token of the caller's. */
export interface SessionInfo {
  id: string;
  kind: 'browser' | 'token';
  /** A browser: "Firefox on Linux"; a token: the name given to it. */
  name: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** The session this call came through. */
  current: boolean;
}

/** A profile change: what is given changes, the rest stays. */
export const updateProfileInput = z.object({
  displayName: displayName.optional(),
  about: lineText('About').trim().max(ABOUT_MAX, `About must be at most ${ABOUT_MAX} characters`).optional(),
  /** Who sees the profile photo. */
  photoVisibility: audience.optional(),
});
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export const userProfileInput = z.object({ userId: uuid });

/**
 * The square of a picture that becomes a photo, as fractions of the upright picture: its left edge
 * of the width, its top of the height, its side of the shorter side. Left out: the middle square.
 */
export const photoCrop = z.object({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  size: z.number().gt(0).max(1),
});
export type PhotoCrop = z.infer<typeof photoCrop>;
const uploadId = z.string().regex(/^[0-9a-f]{32}$/, 'Not an upload id');
/** A finished upload (tus, at UPLOADS_PATH) of a picture made one's profile photo. */
export const setPhotoInput = z.object({ uploadId, crop: photoCrop.optional() });
export type SetPhotoInput = z.infer<typeof setPhotoInput>;
export const setRegistrationInput = z.object({ mode: registrationMode });
export const createInviteInput = z.object({
  /** How many accounts it may open (null: any number). */
  maxUses: z.number().int().min(1).max(1000).nullable().default(1),
  /** For how long it works (null: until revoked). */
  expiresInHours: z.number().int().min(1).max(24 * 365).nullable().default(24 * 7),
});
export type CreateInviteInput = z.infer<typeof createInviteInput>;
export const inviteIdInput = z.object({ inviteId: uuid });
export const adminUsersInput = z.object({
  query: lineText('Search').trim().max(64).optional(),
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});
export type AdminUsersInput = z.infer<typeof adminUsersInput>;
export const setDisabledInput = z.object({ userId: uuid, disabled: z.boolean() });
export const setAdminInput = z.object({ userId: uuid, admin: z.boolean() });
export const userIdInput = z.object({ userId: uuid });
export const deleteAccountInput = z.object({ password: z.string().min(1, 'Enter your password').max(200) });
/** The name a deleted account shows under (its messages stay). */
export const DELETED_ACCOUNT_NAME = 'Deleted account';

/** A password reset link's token (the last part of /reset/<token>). */
const resetToken = z.string().trim().min(1).max(100);
export const resetTokenInput = z.object({ token: resetToken });
export const resetPasswordInput = z.object({ token: resetToken, newPassword: password });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

/** A person named by id (contacts.remove, contacts.block, contacts.unblock). */
export const personInput = z.object({ userId: uuid });
/** A person named by username (contacts.add). */
export const addContactInput = z.object({ username });

export const searchUsersInput = z.object({ query: lineText('Search').trim().min(1).max(32) });

export const conversationIdInput = z.object({ conversationId: uuid });

export const openDirectInput = z.object({ username });

/** Where the next page of the inbox starts: opaque to clients, given back as `nextCursor`. */
const INBOX_CURSOR = /^\d{1,16}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const inboxInput = z
  .object({
    cursor: z.string().regex(INBOX_CURSOR, 'Not a cursor this API gave out').nullish(),
    limit: z.number().int().min(1).max(INBOX_PAGE_MAX).default(INBOX_PAGE_SIZE),
  })
  .default({ limit: INBOX_PAGE_SIZE });
export type InboxInput = z.infer<typeof inboxInput>;

export const groupTitle = lineText('Group name').trim().min(1, 'Group name is required').max(100, 'Group name must be at most 100 characters');
export const groupDescription = multilineText('Description').trim().max(500, 'Description must be at most 500 characters');
const usernames = z.array(username).max(1000, 'At most 1,000 people at once');

export const createGroupInput = z.object({
  title: groupTitle,
  description: groupDescription.optional(),
  /** Everyone but the creator (who becomes the owner). */
  usernames: usernames.default([]),
});
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const updateGroupInput = z
  .object({ conversationId: uuid, title: groupTitle.optional(), description: groupDescription.optional() })
  .refine((i) => i.title !== undefined || i.description !== undefined, 'Give a title, a description or both');
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;

export const addMembersInput = z.object({ conversationId: uuid, usernames: usernames.min(1, 'Pick at least one person') });
export type AddMembersInput = z.infer<typeof addMembersInput>;

export const memberInput = z.object({ conversationId: uuid, userId: uuid });
export type MemberInput = z.infer<typeof memberInput>;

export const setRoleInput = memberInput.extend({ role: z.enum(['admin', 'member']) });

/** A group's photo from a finished upload; uploadId null removes it. */
export const setGroupPhotoInput = z.object({ conversationId: uuid, uploadId: uploadId.nullable(), crop: photoCrop.optional() });
export type SetGroupPhotoInput = z.infer<typeof setGroupPhotoInput>;
export type SetRoleInput = z.infer<typeof setRoleInput>;

export const messageInfoInput = z.object({ conversationId: uuid, seq: z.number().int().positive() });

/** A message's text, which may be empty (a photo without a caption): messageBody where it may not. */
const messageText = multilineText('Message').refine((b) => b.length <= MAX_MESSAGE_LENGTH, `Message is longer than ${MAX_MESSAGE_LENGTH} characters`);
export const messageBody = messageText.refine((b) => b.trim().length > 0, 'Message is empty');

export const sendMessageInput = z
  .object({
    conversationId: uuid,
    clientId: uuid,
    /** The text; with media, its caption (may be empty then). */
    body: messageText.default(''),
    /** Media the sender completed (media.complete), or may see in a message (forwarding it). */
    mediaId: uuid.optional(),
    /** A place: coordinates, how sure the device was (metres), a name for it. Not with media. */
    location: z
      .object({
        latitude: z.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90'),
        longitude: z.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180'),
        accuracy: z.number().min(0).max(1_000_000).optional(),
        label: lineText('Place name').trim().min(1).max(100, 'A place name is at most 100 characters').optional(),
      })
      .optional(),
    /** Quotes this earlier message of the conversation (one the sender may see). */
    replyToSeq: z.number().int().positive().optional(),
    /** Forwarded from another chat: shown with a "Forwarded" mark. */
    forwarded: z.boolean().optional(),
  })
  .refine((i) => i.mediaId !== undefined || i.location !== undefined || i.body.trim().length > 0, { message: 'Message is empty', path: ['body'] })
  .refine((i) => i.mediaId === undefined || i.location === undefined, { message: 'A message carries media or a place, not both', path: ['location'] });
export type SendMessageInput = z.infer<typeof sendMessageInput>;

/** A chat's media, newest first: `cursor` is the last page's nextCursor. */
export const listMediaInput = z.object({
  conversationId: uuid,
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(MEDIA_PAGE_MAX).default(MEDIA_PAGE_MAX),
});
export type ListMediaInput = z.infer<typeof listMediaInput>;

/**
 * An upload (tus, at UPLOADS_PATH) finished: what the page measured of a video or recording helps lay
 * it out (the server's own reading of a length wins where the file has one).
 */
export const completeUploadInput = z.object({
  uploadId,
  /** A video's poster: a finished upload of a picture of one of its frames, taken by the sender's page. */
  posterUploadId: uploadId.optional(),
  /** A recording made in the app: a voice note. */
  voice: z.boolean().optional(),
  durationMs: z.number().int().min(0).max(24 * 3600_000).optional(),
  /** A recording's loudness over its length, in up to 128 steps of 0–255 (drawn as its waveform). */
  waveform: z.array(z.number().int().min(0).max(255)).max(WAVEFORM_STEPS).optional(),
  width: z.number().int().min(1).max(16_384).optional(),
  height: z.number().int().min(1).max(16_384).optional(),
});
export type CompleteUploadInput = z.infer<typeof completeUploadInput>;

/** A message of a conversation, by its seq, changed by the caller; clientId makes a retry return the original change. */
const messageRef = { conversationId: uuid, seq: z.number().int().positive(), clientId: uuid };
export const editMessageInput = z.object({ ...messageRef, body: messageBody });
export type EditMessageInput = z.infer<typeof editMessageInput>;
export const deleteMessageInput = z.object(messageRef);
export type DeleteMessageInput = z.infer<typeof deleteMessageInput>;
/** "Delete for me": these messages of the chat leave the caller's view alone (up to 100 at once). */
export const hideMessagesInput = z.object({
  conversationId: uuid,
  seqs: z.array(z.number().int().positive()).min(1, 'Name a message').max(MAX_HIDE, `At most ${MAX_HIDE} messages at once`),
});
export type HideMessagesInput = z.infer<typeof hideMessagesInput>;
export const reactInput = z.object({
  ...messageRef,
  /** null takes the caller's reaction back. */
  emoji: z.string().max(MAX_REACTION_LENGTH, 'A reaction is one emoji').refine(isOneEmoji, 'A reaction is one emoji').nullable(),
});
export type ReactInput = z.infer<typeof reactInput>;

/** A page of history: `before` walks back (scrolling up), `after` fills a gap forward. */
export const listMessagesInput = z
  .object({
    conversationId: uuid,
    before: z.number().int().positive().optional(),
    after: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(PAGE_MAX).default(PAGE_SIZE),
  })
  .refine((i) => i.before === undefined || i.after === undefined, 'Give before or after, not both');
export type ListMessagesInput = z.infer<typeof listMessagesInput>;

/**
 * Messages with these words (each a prefix of a word of the message), in every chat of the caller's or
 * in one, newest first; `cursor` is the last page's `nextCursor` (the next page is older).
 */
export const searchMessagesInput = z.object({
  query: z.string().max(200, 'A search is at most 200 characters').refine(isSearchable, 'Search for a word of two letters or more'),
  conversationId: uuid.optional(),
  cursor: z.string().regex(/^\d{1,20}$/, 'Not a cursor').optional(),
  limit: z.number().int().min(1).max(SEARCH_PAGE_MAX).default(SEARCH_PAGE_SIZE),
});
export type SearchMessagesInput = z.infer<typeof searchMessagesInput>;

export const presenceVisibility = audience;
export type PresenceVisibility = z.infer<typeof presenceVisibility>;
export const setPresenceVisibilityInput = z.object({ visibility: presenceVisibility });
export const getPresenceInput = z.object({ userIds: z.array(uuid).min(1).max(200) });

/** What the caller may know of someone's presence; nothing at all when they hide it. */
export type Presence =
  | { userId: UserId; visible: true; online: boolean; lastSeenAt: Date | null }
  | { userId: UserId; visible: false };

/** An uncompressed P-256 point (65 bytes, the first 0x04), base64url: push and VAPID public keys. */
export const P256_PUBLIC_KEY = /^B[A-Za-z0-9_-]{86}=?$/;

/** A browser's PushSubscription, as its toJSON() gives it. */
export const pushSubscriptionInput = z.object({
  endpoint: lineText('The push endpoint').pipe(z.url({ protocol: /^https?$/, error: 'The push endpoint must be an http(s) URL' }).max(2048)),
  keys: z.object({
    // An uncompressed P-256 point (65 bytes, the first 0x04) and a 16-byte secret, base64url.
    p256dh: z.string().regex(P256_PUBLIC_KEY, 'Not a P-256 public key'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'Not a push auth secret'),
  }),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;
export const pushEndpointInput = z.object({ endpoint: lineText('The push endpoint').max(2048) });
export const setPushPreviewsInput = z.object({ previews: z.boolean() });

/** How long to mute a conversation's notifications; null unmutes. */
export const muteDuration = z.enum(['8h', '1w', 'always']).nullable();
export type MuteDuration = z.infer<typeof muteDuration>;
export const muteInput = z.object({ conversationId: uuid, duration: muteDuration });

/** The caller's own chat list: pin (at most three), archive, mark unread; any of them at once. */
export const listStateInput = z
  .object({ conversationId: uuid, pinned: z.boolean().optional(), archived: z.boolean().optional(), unread: z.boolean().optional() })
  .refine((i) => i.pinned !== undefined || i.archived !== undefined || i.unread !== undefined, 'Give pinned, archived or unread');
export type ListStateInput = z.infer<typeof listStateInput>;
/** Clears the chat's history for the caller; `remove` also takes it off their list until something new is said. */
export const clearChatInput = z.object({ conversationId: uuid, remove: z.boolean().default(false) });

export const setTypingInput = z.object({ conversationId: uuid, isTyping: z.boolean() });
export type SetTypingInput = z.infer<typeof setTypingInput>;

const watermark = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One call acknowledges a whole screen of messages: per conversation, delivered and/or read up to a seq. */
export const ackReceiptsInput = z.object({
  receipts: z
    .array(
      z
        .object({ conversationId: uuid, deliveredSeq: watermark.optional(), readSeq: watermark.optional() })
        .refine((r) => r.deliveredSeq !== undefined || r.readSeq !== undefined, 'Give deliveredSeq, readSeq or both'),
    )
    .min(1, 'No receipts given')
    .max(RECEIPTS_PER_CALL, `At most ${RECEIPTS_PER_CALL} receipts per call`),
});
export type AckReceiptsInput = z.infer<typeof ackReceiptsInput>;

export interface UserSummary {
  id: UserId;
  username: string;
  displayName: string;
  /** Their profile photo (a media id: /api/media/<id>, /thumbnail), where they have one the caller may see. */
  photo?: string;
}

export type AccountRole = 'admin' | 'user';

export interface Me extends UserSummary {
  about: string;
  /** 'admin': administers this instance (server/admin). */
  role: AccountRole;
  presenceVisibility: PresenceVisibility;
  /** Who sees their profile photo. */
  photoVisibility: PresenceVisibility;
  /** Whether push notifications show the sender and text. */
  pushPreviews: boolean;
}

/** Another person as their contact panel shows them (their presence comes from presence.get). */
export interface UserProfile extends UserSummary {
  about: string;
  /** Groups both the caller and this person are members of now, by title (none for oneself). */
  sharedGroups: { id: ConversationId; title: string }[];
  /** In the caller's contact list. */
  isContact: boolean;
  /** The caller blocked them. */
  blocked: boolean;
}

/** An account as the admin page lists it. */
export interface AdminUser extends UserSummary {
  role: AccountRole;
  disabled: boolean;
  /** Deleted: anonymised, never to be enabled again. */
  deleted: boolean;
  createdAt: Date;
  /** When their last connection closed (null: never, or online now). */
  lastSeenAt: Date | null;
  online: boolean;
}

export interface InviteInfo {
  id: string;
  maxUses: number | null;
  uses: number;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  createdBy: UserSummary | null;
  /** Usable now: not revoked, not expired, not used up. */
  active: boolean;
}

export interface InstanceFigures {
  registration: RegistrationMode;
  users: number;
  disabledUsers: number;
  messages: number;
  /** The instances that said they are alive in the last minute, with their live connections. */
  instances: { id: string; host: string; connections: number; startedAt: Date; seenAt: Date }[];
}

export type MemberRole = 'owner' | 'admin' | 'member';

/** What a system message records; `actorId` is the member who did it (also the message's sender). */
export type SystemEvent =
  | { type: 'group.created'; actorId: UserId; title: string; description?: string }
  | { type: 'group.renamed'; actorId: UserId; title: string }
  | { type: 'group.described'; actorId: UserId; description: string }
  | { type: 'group.photo'; actorId: UserId; removed?: true }
  | { type: 'members.added'; actorId: UserId; userIds: UserId[] }
  | { type: 'member.removed'; actorId: UserId; userId: UserId }
  | { type: 'member.left'; actorId: UserId }
  | { type: 'role.changed'; actorId: UserId; userId: UserId; role: MemberRole };

/**
 * A change to message `targetSeq` of the same conversation, by the change's sender. An edit's new
 * text is the change's body; a reaction's emoji null takes the sender's reaction back.
 */
export type MessageChange =
  | { type: 'message.edited'; targetSeq: number }
  | { type: 'message.deleted'; targetSeq: number }
  | { type: 'reaction.set'; targetSeq: number; emoji: string | null };

/** The message a reply quotes, in its current state; body cut to QUOTE_LENGTH characters. */
export interface Quote {
  seq: number;
  senderId: UserId;
  body: string;
  deleted?: true;
}

/** One emoji under a message and who chose it (each person has at most one reaction per message). */
export interface Reaction {
  emoji: string;
  userIds: UserId[];
}

export interface Message {
  id: string; // Snowflake, as a string: 64 bits do not fit a JS number
  conversationId: ConversationId;
  seq: number;
  senderId: UserId;
  clientId: string;
  /** For a system message, its English text (clients may render `event` instead); an edit's new text. */
  body: string;
  /** text and system are shown; a change is applied to the message it names (lib/message-changes.ts). */
  kind: 'text' | 'system' | 'change';
  event: SystemEvent | MessageChange | null;
  createdAt: Date;
  /** A reply: the message it quotes. */
  replyTo?: Quote;
  /** Forwarded from another chat. */
  forwarded?: true;
  /** A photo, video, voice note or file (body is then its caption); gone once deleted for everyone. */
  media?: MediaSummary;
  /** A place shared (body is then its caption); gone once deleted for everyone. */
  location?: SharedLocation;
  /**
   * A text message's state after the changes up to changedSeq (absent: none). History pages fold
   * every change the caller may see into it; a client applies later changes it receives itself.
   */
  edited?: true;
  deleted?: true;
  reactions?: Reaction[];
  changedSeq?: number;
  /** Deleted for the caller alone ("Delete for me"): not shown, and with no text; it keeps its seq. */
  hidden?: true;
}

/** Someone who is or was in a conversation. */
export interface MemberSummary extends UserSummary {
  role: MemberRole;
  joinedAt: Date;
  /** False for a former member (left or removed). */
  active: boolean;
}

/** Who has a message delivered and read, from their watermarks; `at` is null when the time is unknown. */
export interface MessageInfo {
  seq: number;
  read: { user: UserSummary; at: Date | null }[];
  delivered: { user: UserSummary; at: Date | null }[];
  /** Members it has not reached yet. */
  waiting: UserSummary[];
}

export interface ConversationSummary {
  id: ConversationId;
  kind: 'direct' | 'group';
  title: string;
  /** Groups only. */
  description: string | null;
  /** Direct conversations only: the other person. */
  peer: UserSummary | null;
  /** The group's photo, or the other person's as the caller may see it (a media id). */
  photo?: string;
  /** The caller's role; null once they left or were removed (they keep the history up to then). */
  role: MemberRole | null;
  /** Current members, the caller included. */
  memberCount: number;
  lastSeq: number;
  /** The caller's own read watermark. */
  readSeq: number;
  /** Every member's delivered/read watermark is at least this: a message at or below it shows two ticks / coloured ticks. */
  allDeliveredSeq: number;
  allReadSeq: number;
  unreadCount: number;
  lastActivityAt: Date;
  lastMessage: Message | null;
  /** The display name of lastMessage's sender, for "Alice: …" previews in groups. */
  lastSenderName: string | null;
  /** No notifications from it until then (year 9999: always); null when not muted. */
  mutedUntil: Date | null;
  /** Pinned to the top of the caller's list (at most three), since then. */
  pinnedAt: Date | null;
  /** Kept apart in "Archived" (until something new is said in it, unless it is muted). */
  archived: boolean;
  /** The caller marked it unread (cleared when they open it). */
  markedUnread: boolean;
}

/** One page of the inbox, most recent activity first; `nextCursor` is null on the last page. */
export interface InboxPage {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

export interface ConversationHead {
  id: ConversationId;
  lastSeq: number;
  deliveredSeq: number;
  readSeq: number;
  allDeliveredSeq: number;
  allReadSeq: number;
}

/** A member's receipt watermarks after an ack, with the conversation's aggregate. */
export interface ReceiptState {
  conversationId: ConversationId;
  userId: UserId;
  deliveredSeq: number;
  readSeq: number;
  allDeliveredSeq: number;
  allReadSeq: number;
}

/** A message found by a search, as it reads now (edited: its latest text), with where it is. */
export interface SearchHit {
  conversationId: ConversationId;
  /** The chat's name as the caller sees it (a direct chat: the other person's name). */
  conversationTitle: string;
  conversationKind: 'direct' | 'group';
  seq: number;
  senderId: UserId;
  senderName: string;
  body: string;
  createdAt: Date;
  edited?: true;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Pass as `cursor` for older results; null: there are none. */
  nextCursor: string | null;
}

export interface MessagePage {
  messages: Message[];
  /** The first seq the caller may see (a member added later sees from their "added" message on). */
  fromSeq: number;
  /** True when older messages exist before the first one returned. */
  hasMoreBefore: boolean;
}
