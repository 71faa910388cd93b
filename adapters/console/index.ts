/**
 * The console adapter: a local terminal. Interactive (stdin is a TTY): a prompt where each line is a
 * citizen's message, and lines starting with `/` are the console officer's commands (CONSOLE_OFFICER_ID
 * must be on the allow-list to decide). In a pipe: reads citizen lines from stdin, prints the bot's
 * replies to stdout (one reply per block, separated by a blank line), officer cards to stderr, and
 * resolves {@link ConsoleAdapter.inputClosed} once stdin has ended and every line was stored.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import type { Adapter, AdapterContext, SendResult } from '../../src/ports/adapter.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import type { ReviewCard } from '../../src/ports/review.ts';

export interface ConsoleAdapter extends Adapter {
  /** Resolves when stdin ended and all its lines were handed to intake. */
  readonly inputClosed: Promise<void>;
}

export interface ConsoleOptions {
  readonly input?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly output?: NodeJS.WritableStream;
  readonly cardOutput?: NodeJS.WritableStream;
  readonly interactive?: boolean;
  /** The citizen's identity on the console. */
  readonly senderId?: string;
}

export function createConsoleAdapter(options: ConsoleOptions = {}): ConsoleAdapter {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = options.interactive ?? Boolean((input as { isTTY?: boolean }).isTTY);
  const cardOutput = options.cardOutput ?? (interactive ? output : process.stderr);
  const senderId = options.senderId ?? 'console-user';
  const session = randomUUID().slice(0, 8);
  let rl: readline.Interface | undefined;
  let resolveClosed: () => void = () => undefined;
  const inputClosed = new Promise<void>((r) => (resolveClosed = r));
  let counter = 0;

  const write = (s: string) => {
    output.write(s);
  };
  const prompt = () => {
    if (interactive) rl?.prompt();
  };

  const adapter: ConsoleAdapter = {
    platform: 'console',
    capabilities: { maxTextLength: 100_000, buttons: false, images: false },
    inputClosed,
    async start(ctx: AdapterContext) {
      rl = readline.createInterface({ input, ...(interactive ? { output } : {}), terminal: interactive, crlfDelay: Infinity });
      if (interactive) {
        rl.setPrompt('市民> ');
        write(`netpatrol 控制台 · ${ctx.config.account.name}\n输入群众消息回车发送；以 / 开头的是民警命令（/help）。Ctrl+D 退出。\n`);
        prompt();
      }
      const pending: Promise<unknown>[] = [];
      rl.on('line', (raw) => {
        const line = raw.trim();
        if (!line) return prompt();
        const p = (async () => {
          if (line.startsWith('/')) {
            const reply = await ctx.commands.handle({ platform: 'console', userId: ctx.config.review.consoleOfficerId, displayName: 'console' }, line);
            cardOutput.write(`${reply?.text ?? '（不是命令）'}\n`);
          } else {
            counter += 1;
            await ctx.intake.receive({
              platform: 'console',
              account: ctx.config.account.id,
              conversationId: senderId,
              senderId,
              platformMessageId: `${session}-${counter}`,
              text: line,
              sentAt: new Date(),
            });
          }
        })().catch((err: unknown) => {
          ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'console line failed');
          cardOutput.write(`错误：${err instanceof Error ? err.message : String(err)}\n`);
        });
        pending.push(p);
        void p.finally(prompt);
      });
      rl.on('close', () => {
        void Promise.allSettled(pending).then(() => resolveClosed());
      });
    },
    async stop() {
      rl?.close();
    },
    async send(message: OutboundMessage): Promise<SendResult> {
      if (interactive) write(`\nnetpatrol> ${message.text.replace(/\n/g, '\n           ')}\n`);
      else write(`${message.text}\n\n`);
      prompt();
      return { platformMessageId: message.id };
    },
    review: {
      async post(card: ReviewCard) {
        cardOutput.write(`\n──── 警务台 ────\n${card.text}\n────────────────\n`);
        prompt();
      },
    },
  };
  return adapter;
}
