/**
 * Strict JSON bodies for every route. fastify decodes a JSON body as UTF-8 with replacement: invalid
 * bytes become U+FFFD, so a corrupted body would be stored as a different text, and two different
 * message ids could collapse into one (a false "duplicate"). This parser refuses a body that is not
 * valid UTF-8 (400) and otherwise hands it to fastify's own JSON parser (which refuses `__proto__` and
 * `constructor.prototype` keys).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

type JsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

function strictJsonParser(parseJson: JsonParser) {
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  return (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }));
      return;
    }
    void parseJson(req, text, done);
  };
}

/** Replaces the app's JSON parser with the strict one (call before routes are added). */
export function useStrictJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(app.getDefaultJsonParser('error', 'error')));
}
