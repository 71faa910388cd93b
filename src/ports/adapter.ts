/**
 * The one port every platform implements (adapters/<platform>/). An adapter only translates:
 * platform update → {@link InboundMessageInput} handed to `ctx.intake`, and {@link OutboundMessage} →
 * platform call. It never classifies or decides. Officers' chats additionally implement
 * {@link ReviewChannel} so cards reach them and their decisions reach the core.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { InboundMessageInput, OutboundMessage } from '../domain/schemas.ts';
import type { Platform } from '../domain/vocabulary.ts';
import type { ReviewCard, ReviewChannel } from './review.ts';
import type { OfficerCommandHandler } from './commands.ts';

export interface AdapterCapabilities {
  /** Longest text one platform message can hold; longer replies are split by the adapter. */
  readonly maxTextLength: number;
  /** Inline buttons on officer cards. */
  readonly buttons: boolean;
  /** Images (report charts). */
  readonly images: boolean;
}

export interface IntakeResult {
  readonly id: string;
  readonly status: 'queued' | 'duplicate';
}

/** What the core offers an adapter. */
export interface AdapterContext {
  readonly config: Config;
  readonly logger: Logger;
  /** Stores the message once and queues it for triage; resolves only after it is durable. */
  readonly intake: { receive(message: InboundMessageInput): Promise<IntakeResult> };
  /** Officer chat commands (`/approve …`, `批准 A7F3`, `/warn …`) from an officers' chat. */
  readonly commands: OfficerCommandHandler;
  /** The shared HTTP server, for adapters that receive webhooks. Routes must be added before it listens. */
  readonly http?: FastifyInstance;
  /**
   * `full` in `netpatrol start`: receive (poll, webhooks, stdin) and send. `send-only` in
   * `netpatrol worker` processes: only `send` is used; do not poll or register routes.
   */
  readonly mode: 'full' | 'send-only';
  /** Read-only facts from the log that platform rules need (WeChat's 48-hour service window). */
  readonly history: ConversationHistory;
}

export interface ConversationHistory {
  /** When the citizen last wrote in this conversation on this platform, or null. */
  lastInboundAt(platform: Platform, conversationId: string): Promise<Date | null>;
  /** How many replies were sent to this conversation since `since`. */
  sentSince(platform: Platform, conversationId: string, since: Date): Promise<number>;
}

export interface SendResult {
  /** The platform's id of the (first) message sent, when it gives one. */
  readonly platformMessageId?: string;
}

/**
 * A platform adapter. `send` throws {@link RetryLaterError} on rate limits, {@link UndeliverableError}
 * when the recipient cannot be reached, anything else for transient failures (retried with backoff).
 */
export interface Adapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  start(ctx: AdapterContext): Promise<void>;
  stop(): Promise<void>;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Present when this platform hosts an officers' chat. */
  readonly review?: ReviewChannel;
}

export type { ReviewCard, ReviewChannel };
