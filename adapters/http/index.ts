/**
 * The `http` platform adapter: a generic webhook for any system that can POST JSON.
 * `POST /v1/messages` stores and queues a message (202 queued, 200 duplicate, 400 invalid, 401 without
 * the token when HTTP_INBOUND_TOKEN is set); `GET /v1/conversations/:id/replies` lists what the bot sent
 * to that conversation. Sending is recording: the reply is "delivered" when it is readable there.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AttachmentSchema, MAX_TEXT_LENGTH } from '../../src/domain/schemas.ts';
import { UserFacingError } from '../../src/errors.ts';
import { bearer } from '../../src/http/server.ts';
import type { Adapter, AdapterContext } from '../../src/ports/adapter.ts';
import type { Store } from '../../src/store/db.ts';
import { cases, deliveries } from '../../src/store/schema.ts';

const MessageBody = z
  .object({
    account: z.string().min(1).max(64).optional(),
    conversationId: z.string().min(1).max(256),
    senderId: z.string().min(1).max(256),
    senderName: z.string().max(256).optional(),
    messageId: z.string().min(1).max(256),
    text: z.string().max(MAX_TEXT_LENGTH, `text longer than ${MAX_TEXT_LENGTH} characters`).optional(),
    attachments: z.array(AttachmentSchema).max(50).optional(),
    sentAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createHttpAdapter(options: { store: Store }): Adapter {
  const { store } = options;
  return {
    platform: 'http',
    capabilities: { maxTextLength: 100_000, buttons: false, images: false },
    async start(ctx: AdapterContext) {
      if (ctx.mode === 'send-only') return;
      const app = ctx.http;
      if (!app) throw new Error('the http adapter needs the HTTP server');
      const token = ctx.config.http.inboundToken;
      const guard = (req: FastifyRequest) => {
        if (token && !tokenMatches(bearer(req), token)) throw new UserFacingError('a valid bearer token is required', 'unauthorized', 401);
      };

      // JSON bodies are decoded strictly server-wide (src/http/json.ts): invalid UTF-8 is a 400.
      await app.register(async (scope) => {

        scope.post('/v1/messages', async (req, reply) => {
          guard(req);
          if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
            throw new UserFacingError('the body must be a JSON object', 'invalid_request', 400);
          const body = MessageBody.parse(req.body);
          const result = await ctx.intake.receive({
            platform: 'http',
            account: body.account ?? ctx.config.account.id,
            conversationId: body.conversationId,
            senderId: body.senderId,
            senderName: body.senderName,
            platformMessageId: body.messageId,
            text: body.text ?? '',
            attachments: body.attachments ?? [],
            sentAt: body.sentAt ? new Date(body.sentAt) : new Date(),
          });
          return reply.code(result.status === 'duplicate' ? 200 : 202).send(result);
        });

        scope.get('/v1/conversations/:conversationId/replies', async (req) => {
          guard(req);
          const { conversationId } = z.object({ conversationId: z.string().min(1).max(256) }).parse(req.params);
          const rows = store.db
            .select({ id: deliveries.id, text: deliveries.text, kind: deliveries.kind, templateKey: deliveries.templateKey, caseNumber: cases.number, sentAt: deliveries.sentAt })
            .from(deliveries)
            .leftJoin(cases, eq(cases.id, deliveries.caseId))
            .where(and(eq(deliveries.platform, 'http'), eq(deliveries.conversationId, conversationId), eq(deliveries.status, 'sent'), isNotNull(deliveries.sentAt)))
            .orderBy(asc(deliveries.sentAt), asc(deliveries.createdAt))
            .all();
          return rows.map((r) => ({ ...r, caseNumber: r.caseNumber ?? null, sentAt: new Date(r.sentAt ?? 0).toISOString() }));
        });
      });
    },
    async stop() {},
    async send() {
      return {};
    },
  };
}
