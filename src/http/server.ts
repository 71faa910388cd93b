/**
 * The HTTP server (fastify): health, metrics, the officers' API (review, warnings, cases, reports).
 * Adapters add their own routes (messages, webhooks) through AdapterContext.http before it listens.
 * Errors are always `{"error":{"code","message","issues"?}}`; bodies are size-limited; the default bind
 * is 127.0.0.1; safe headers on every answer.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import type { Config } from '../config/index.ts';
import type { Officer } from '../domain/schemas.ts';
import { CATEGORIES, INTENTS, REPLY_KINDS } from '../domain/vocabulary.ts';
import { UserFacingError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics.ts';
import { authenticateToken } from '../officers/officers.ts';
import type { JobQueue } from '../queue/port.ts';
import type { ReviewService } from '../review/service.ts';
import type { Store } from '../store/db.ts';
import { useStrictJson } from './json.ts';
import { resolveAuditTexts } from '../store/audit.ts';
import { auditEvents, cases, deliveries, drafts, messages } from '../store/schema.ts';

export interface HttpDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: Store;
  readonly queue: () => JobQueue | undefined;
  readonly review: ReviewService;
  readonly monthlyReport?: (month: string, account: string) => unknown;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: unknown): FastifyReply {
  return reply.code(status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
}

/** The bearer token of a request, or undefined. */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ bodyLimit: deps.config.http.bodyLimit, logger: false, trustProxy: false });
  useStrictJson(app);

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    reply.header('Content-Security-Policy', "default-src 'none'");
    return payload;
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof ZodError) return sendError(reply, 400, 'invalid_request', 'the request is not valid', err.issues);
    if (err instanceof UserFacingError) return sendError(reply, err.status, err.code, err.message);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'payload_too_large', `body larger than ${deps.config.http.bodyLimit} bytes`);
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendError(reply, e.statusCode, 'invalid_request', e.message ?? 'bad request');
    deps.logger.error({ err: e.message, url: req.url }, 'request failed');
    return sendError(reply, 500, 'internal', 'internal error');
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`));

  app.get('/healthz', async (_req, reply) => {
    let db = 'ok';
    try {
      deps.store.sqlite.prepare('SELECT 1').get();
    } catch {
      db = 'error';
    }
    const q = deps.queue();
    let queueOk = true;
    if (q) {
      try {
        await Promise.race([q.counts('triage'), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
      } catch {
        queueOk = false;
      }
    }
    const ok = db === 'ok' && queueOk;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', queue: deps.config.queue.driver, db, ...(queueOk ? {} : { queueError: 'unreachable' }) });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('Content-Type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  /** The officer behind the bearer token: 401 without a valid token, 403 when no longer an officer. */
  async function officer(req: FastifyRequest): Promise<Officer> {
    const token = bearer(req);
    if (!token) throw new UserFacingError('an officer token is required (Authorization: Bearer …)', 'unauthorized', 401);
    const check = authenticateToken(deps.store, token);
    if (check.ok) return check.officer;
    if (check.reason === 'inactive') {
      deps.review.refuse('token:inactive', `${req.method} ${req.url.split('?')[0]}`);
      throw new UserFacingError('this token belongs to someone who is no longer an officer', 'forbidden', 403);
    }
    throw new UserFacingError('unknown token', 'unauthorized', 401);
  }

  const DraftParams = z.object({ draftId: z.string().min(1).max(64) });

  app.get('/v1/review', async (req) => {
    await officer(req);
    const q = z.object({ status: z.enum(['pending', 'approved', 'rejected', 'forwarded']).default('pending'), kind: z.enum(REPLY_KINDS).optional() }).parse(req.query);
    const rows = deps.store.db
      .select()
      .from(drafts)
      .where(and(eq(drafts.account, deps.config.account.id), eq(drafts.status, q.status), ...(q.kind ? [eq(drafts.kind, q.kind)] : [])))
      .orderBy(asc(drafts.createdAt))
      .limit(500)
      .all();
    return rows.map((d) => ({
      id: d.id,
      shortCode: d.shortCode,
      kind: d.kind,
      status: d.status,
      text: d.text,
      templateKey: d.templateKey,
      caseId: d.caseId,
      platform: d.platform,
      requestedBy: d.requestedBy,
      edited: d.edited,
      createdAt: new Date(d.createdAt).toISOString(),
      data: d.kind === 'rebuttal' ? d.data : undefined,
    }));
  });

  app.post('/v1/review/:draftId/approve', async (req) => {
    const o = await officer(req);
    const { draftId } = DraftParams.parse(req.params);
    return { status: (await deps.review.approve(o, draftId)).status };
  });
  app.post('/v1/review/:draftId/reject', async (req) => {
    const o = await officer(req);
    const { draftId } = DraftParams.parse(req.params);
    const body = z.object({ reason: z.string().max(1000).default('') }).parse(req.body ?? {});
    return { status: (await deps.review.reject(o, draftId, body.reason)).status };
  });
  app.post('/v1/review/:draftId/edit', async (req) => {
    const o = await officer(req);
    const { draftId } = DraftParams.parse(req.params);
    const body = z.object({ text: z.string().min(1).max(4000) }).parse(req.body);
    return { status: (await deps.review.edit(o, draftId, body.text)).status };
  });
  app.post('/v1/review/:draftId/forward', async (req) => {
    const o = await officer(req);
    const { draftId } = DraftParams.parse(req.params);
    const body = z.object({ department: z.string().min(1).max(100) }).parse(req.body);
    return { status: (await deps.review.forward(o, draftId, body.department)).status };
  });

  app.post('/v1/review/:draftId/label', async (req) => {
    const o = await officer(req);
    const { draftId } = DraftParams.parse(req.params);
    const body = z.object({ intent: z.enum(INTENTS).nullable().default(null), category: z.enum(CATEGORIES).nullable() }).parse(req.body);
    const r = deps.review.label(o, draftId, body.intent, body.category);
    return { status: 'labelled', messageId: r.messageId, intent: r.intent, category: r.category };
  });

  app.post('/v1/warnings', async (req, reply) => {
    const o = await officer(req);
    const r = await deps.review.warn(o, req.body as never);
    return reply.code(201).send({ draftId: r.draftId, status: r.status, shortCode: r.shortCode });
  });

  app.get('/v1/cases/:caseNumber', async (req) => {
    const o = await officer(req);
    const { caseNumber } = z.object({ caseNumber: z.string().regex(/^[A-Za-z]{1,6}\d{14}$/, 'not a case number') }).parse(req.params);
    const c = deps.store.db.select().from(cases).where(eq(cases.number, caseNumber.toUpperCase())).get();
    if (!c) throw new UserFacingError(`no case ${caseNumber}`, 'not_found', 404);
    const msgs = deps.store.db.select().from(messages).where(eq(messages.caseId, c.id)).orderBy(asc(messages.receivedAt)).all();
    const ds = deps.store.db.select().from(drafts).where(eq(drafts.caseId, c.id)).orderBy(asc(drafts.createdAt)).all();
    const dels = ds.length ? deps.store.db.select().from(deliveries).where(inArray(deliveries.draftId, ds.map((d) => d.id))).all() : [];
    const subjects = [c.id, ...msgs.map((m) => m.id), ...ds.map((d) => d.id), ...dels.map((d) => d.id)];
    const audit = deps.store.db.select().from(auditEvents).where(inArray(auditEvents.subjectId, subjects)).orderBy(asc(auditEvents.seq)).all();
    const hideSender = c.anonymous;
    return {
      number: c.number,
      status: c.status,
      intent: c.intent,
      category: c.category,
      platform: c.platform,
      anonymous: c.anonymous,
      department: c.department,
      openedAt: new Date(c.openedAt).toISOString(),
      closedAt: c.closedAt ? new Date(c.closedAt).toISOString() : null,
      sender: hideSender ? null : { id: c.senderId, conversationId: c.conversationId, name: msgs[0]?.senderName ?? null },
      viewer: { id: o.id, name: o.name, role: o.role },
      messages: msgs.map((m) => ({
        id: m.id,
        text: m.redactedAt ? null : m.text,
        attachments: m.attachments,
        sentAt: new Date(m.sentAt).toISOString(),
        receivedAt: new Date(m.receivedAt).toISOString(),
        classification: m.classification,
        ...(hideSender ? {} : { senderId: m.senderId }),
      })),
      replies: ds.map((d) => {
        const del = dels.find((x) => x.draftId === d.id);
        return { draftId: d.id, shortCode: d.shortCode, kind: d.kind, templateKey: d.templateKey, text: d.text, status: d.status, decidedBy: d.decidedBy, delivery: del ? { status: del.status, sentAt: del.sentAt ? new Date(del.sentAt).toISOString() : null } : null };
      }),
      audit: audit.map((a) => ({ seq: a.seq, at: new Date(a.at).toISOString(), actor: hideSender && a.actor.includes(':') ? '[anonymous]' : a.actor, action: a.action, subjectType: a.subjectType, subjectId: a.subjectId, data: resolveAuditTexts(deps.store, a.data) })),
    };
  });

  app.get('/v1/reports/monthly', async (req) => {
    await officer(req);
    const q = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM'), account: z.string().min(1).max(64).optional() }).parse(req.query);
    if (!deps.monthlyReport) throw new UserFacingError('reports are not available', 'unavailable', 503);
    return deps.monthlyReport(q.month, q.account || deps.config.account.id);
  });

  return app;
}
