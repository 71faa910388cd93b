/**
 * Officer commands typed in an officers' chat, in any platform's spelling (`/approve A7F3`,
 * `批准 A7F3`, `/ok A7F3`). The handler authorizes the speaker against the allow-list and answers
 * with text to show in that chat.
 */
import type { Platform } from '../domain/vocabulary.ts';

export interface OfficerIdentity {
  readonly platform: Platform;
  readonly userId: string;
  readonly displayName?: string;
}

export interface CommandReply {
  /** Text to answer with in the chat (a refusal, a confirmation, a list …). */
  readonly text: string;
  readonly ok: boolean;
}

export interface OfficerCommandHandler {
  /** Returns null when the text is not a command at all (ordinary chatter in the officers' room). */
  handle(who: OfficerIdentity, text: string): Promise<CommandReply | null>;
  /** A button press on a card (Telegram inline keyboard): the same rules as the typed command. */
  decide(who: OfficerIdentity, action: 'approve' | 'reject' | 'edit' | 'forward', draftRef: string, arg?: string): Promise<CommandReply>;
}

/**
 * The arguments of a multi-line chat command (`/tpl set KEY` + the new body on the next lines):
 * the first line's words, and everything after the first line break, untouched.
 */
export function splitCommandArgs(args: string): { words: string[]; body: string } {
  const nl = args.indexOf('\n');
  const words = (nl === -1 ? args : args.slice(0, nl)).trim().split(/\s+/).filter(Boolean);
  return { words, body: nl === -1 ? '' : args.slice(nl + 1) };
}
