// superjson's wire format, written without its generic walk for what the API returns: plain JSON
// with Dates. superjson spent ~7 ms (p99 15) serializing one inbox of 200 chats, a third of the
// call; encodePlain (lib/wire-format.ts) only finds the Dates' paths.
import superjson from 'superjson';
import type { SuperJSONResult } from 'superjson';
import { encodePlain } from '../lib/wire-format.ts';

/**
 * What superjson.serialize(value) gives: for plain values (JSON with Dates, what the API returns)
 * written by encodePlain, for anything else by superjson itself.
 */
export const serializeFast = (value: unknown): SuperJSONResult => (encodePlain(value) as SuperJSONResult | null) ?? superjson.serialize(value);

/** superjson.stringify through serializeFast. */
export const stringifyFast = (value: unknown): string => JSON.stringify(serializeFast(value));

/** The transformer of the API: superjson, its output written by serializeFast. */
export const wireTransformer = {
  input: superjson,
  output: { serialize: serializeFast, deserialize: (data: SuperJSONResult) => superjson.deserialize(data) },
};
