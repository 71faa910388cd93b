/**
 * `netpatrol` — the command line (DESIGN.md "Commands"). Each command parses the environment once;
 * bad configuration prints one line naming the variable and exits 2; a UserFacingError exits 1.
 * Heavy modules load inside the command that needs them, so `officers list` starts in a blink.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { ZodError } from 'zod';
import { loadConfig, type Config } from '../config/index.ts';
import { PLATFORMS, type Platform } from '../domain/vocabulary.ts';
import { ConfigError, UserFacingError } from '../errors.ts';
import { createLogger } from '../logging/logger.ts';
import { addOfficer, listOfficers, removeOfficer } from '../officers/officers.ts';
import { verifyAuditChain } from '../store/audit.ts';
import { openStore, type Store } from '../store/db.ts';
import { labelCorrections } from '../store/schema.ts';
import type { Category, Intent } from '../domain/vocabulary.ts';

function config(): Config {
  return loadConfig(process.env);
}

/** One-shot commands (reports, audit verify, templates …): a short-lived process, tuned for reading. */
function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openStore(cfg.database.path, { bulkReads: true });
  return Promise.resolve()
    .then(() => fn(store))
    .finally(() => store.close());
}

/** Runs until stdin closes (console pipe) or a signal arrives, then shuts down gracefully. */
async function start(role: 'start' | 'worker'): Promise<void> {
  const cfg = config();
  const [{ buildAdapters }, { createApp }] = await Promise.all([import('../../adapters/index.ts'), import('../app.ts')]);
  const logger = createLogger(cfg.logLevel);
  const store = openStore(cfg.database.path);
  let built;
  try {
    built = await buildAdapters(cfg, store, role === 'start' ? 'full' : 'send-only');
  } catch (err) {
    store.close();
    throw err;
  }
  const app = await createApp({ config: cfg, role, adapters: built.adapters, logger, store }).catch((err: unknown) => {
    store.close();
    throw err;
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string) => {
    stopping ??= (async () => {
      logger.info({ why }, 'shutting down');
      await app.stop();
      store.close();
    })();
    return stopping;
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void shutdown(sig).then(() => process.exit(0));
    });
  }
  if (role === 'start' && built.console) {
    await built.console.inputClosed;
    await app.waitUntilIdle();
    await shutdown('stdin closed and queue drained');
    process.exit(0);
  }
  await new Promise(() => undefined);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('netpatrol').description('Chat pipeline for a public cyber-police account (网警巡查执法账号)').showHelpAfterError();

  program
    .command('start')
    .description('adapters from ADAPTERS, workers and the HTTP server in one process')
    .action(() => start('start'));

  program
    .command('worker')
    .description('triage and delivery workers only (needs REDIS_URL); start as many as wanted')
    .action(() => start('worker'));

  program
    .command('classify')
    .description('classify TEXT, or {"id","text"} JSON lines from stdin with --jsonl')
    .argument('[text]', 'the message to classify')
    .option('--jsonl', 'read JSON lines from stdin, write one result line per input')
    .option('--retrain', 'retrain the model from the repository examples plus officers\' corrections')
    .action(async (text: string | undefined, opts: { jsonl?: boolean; retrain?: boolean }) => {
      const { loadClassifier, classifyJsonl, retrain, RETRAINED_MODEL_PATH } = await import('../classify/index.ts');
      if (opts.retrain) {
        const cfg = config();
        const corrections = fs.existsSync(cfg.database.path)
          ? await withStore(cfg, (store) => store.db.select().from(labelCorrections).all().map((c) => ({ text: c.text, intent: c.intent as Intent | null, category: c.category as Category | null })))
          : [];
        const out = process.env.CLASSIFIER_MODEL_PATH || RETRAINED_MODEL_PATH;
        const r = retrain(corrections, out);
        process.stderr.write(`retrained from ${r.examples} examples and ${r.corrections} corrections → ${r.outPath}\n`);
        if (!text && !opts.jsonl) return;
      }
      const classifier = loadClassifier();
      if (opts.jsonl) {
        await classifyJsonl(process.stdin, process.stdout, classifier);
        return;
      }
      if (!text) throw new UserFacingError('give a TEXT to classify, or --jsonl to read lines from stdin', 'usage', 2);
      const result = classifier.classify(text);
      const cfg = config();
      if (fs.existsSync(cfg.database.path) && (result.intent === 'verify' || result.category === 'rumor')) {
        const { createRebuttalMatcher } = await import('../rebuttals/index.ts');
        await withStore(cfg, (store) => {
          const m = createRebuttalMatcher(store).match(text);
          if (m.best && m.band !== 'low') result.rebuttal = { id: m.best.id, title: m.best.title, score: m.best.score };
        });
      }
      printJson(result);
    });

  program
    .command('report')
    .description('monthly tallies')
    .requiredOption('--month <YYYY-MM>', 'the month, in REPORT_TIMEZONE')
    .option('--account <account>', 'the account (default ACCOUNT_ID)')
    .option('--format <format>', 'md | json | csv | xlsx', 'md')
    .option('--out <file>', 'write to FILE instead of stdout (required for xlsx)')
    .option('--full', 'unmasked personal data (admins only; logged); needs --actor')
    .option('--actor <officerId>', 'the admin asking for full data')
    .action(async (opts: { month: string; account?: string; format: string; out?: string; full?: boolean; actor?: string }) => {
      const cfg = config();
      const { runReportCommand } = await import('../reports/cli.ts');
      await withStore(cfg, (store) =>
        runReportCommand({ store, month: opts.month, account: opts.account ?? cfg.account.id, timezone: cfg.reports.timezone, format: opts.format, out: opts.out, full: opts.full, actor: opts.actor }),
      );
    });

  program
    .command('templates')
    .description('reply templates: list | show KEY | set KEY FILE | history KEY | rollback KEY VERSION | validate | export [DIR]')
    .argument('<args...>')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const cfg = config();
      const { runTemplatesCommand } = await import('../replies/index.ts');
      const code = await withStore(cfg, (store) => runTemplatesCommand(store, args, process.stdout, process.env.USER ? `cli:${process.env.USER}` : 'cli'));
      process.exitCode = code;
    });

  program
    .command('rebuttals')
    .description('rebuttal library: add FILE | import FILE.jsonl | list | show ID | approve ID | match TEXT')
    .argument('<args...>')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const cfg = config();
      const logger = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
      const [{ createQueue }, { runRebuttalsCommand }, { createReplyEngine }, { createDispatcher }, { sendRebuttalToAskers }] = await Promise.all([
        import('../queue/index.ts'),
        import('../rebuttals/index.ts'),
        import('../replies/index.ts'),
        import('../workers/dispatch.ts'),
        import('../workers/rebuttal-fanout.ts'),
      ]);
      const code = await withStore(cfg, async (store) => {
        const queue = await createQueue(cfg, store, logger);
        try {
          const dispatcher = createDispatcher(queue, () => []);
          const replies = createReplyEngine({ store, accountName: cfg.account.name });
          return await runRebuttalsCommand(store, args, process.stdout, {
            err: process.stderr,
            onPublished: async (id, caseIds) => {
              const r = await sendRebuttalToAskers({ store, replies, dispatcher, config: cfg, now: () => new Date() }, id, caseIds, 'cli');
              process.stdout.write(`sent to ${r.cases} open verify case(s)\n`);
            },
          });
        } finally {
          await queue.close();
        }
      });
      process.exitCode = code;
    });

  const officers = program.command('officers').description('the officers\' allow-list');
  officers
    .command('add')
    .requiredOption('--platform <platform>', PLATFORMS.join(' | '))
    .requiredOption('--user-id <id>', 'the officer\'s user id on that platform')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', 'officer | admin', 'officer')
    .option('--token', 'issue an API token (printed once, as the last line)')
    .action(async (opts: { platform: string; userId: string; name: string; role: string; token?: boolean }) => {
      const cfg = config();
      await withStore(cfg, (store) => {
        const r = addOfficer(store, { platform: opts.platform as Platform, userId: opts.userId, name: opts.name, role: opts.role as 'officer' }, { token: opts.token, account: cfg.account.id });
        process.stdout.write(`officer ${r.officer.platform}:${r.officer.userId} ${r.officer.name} (${r.officer.role}) id=${r.officer.id}\n`);
        if (r.token) process.stdout.write(`${r.token}\n`);
      });
    });
  officers
    .command('remove')
    .requiredOption('--platform <platform>', PLATFORMS.join(' | '))
    .requiredOption('--user-id <id>', 'the officer\'s user id on that platform')
    .action(async (opts: { platform: string; userId: string }) => {
      const cfg = config();
      if (!(PLATFORMS as readonly string[]).includes(opts.platform)) throw new UserFacingError(`--platform must be one of ${PLATFORMS.join(', ')}`);
      await withStore(cfg, (store) => {
        const o = removeOfficer(store, opts.platform as Platform, opts.userId, { account: cfg.account.id });
        process.stdout.write(`removed ${o.platform}:${o.userId} ${o.name}\n`);
      });
    });
  officers
    .command('list')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      await withStore(cfg, (store) => {
        const list = listOfficers(store);
        if (opts.json) return printJson(list);
        if (!list.length) process.stdout.write('no officers yet: netpatrol officers add --platform console --user-id console-officer --name 值班民警\n');
        for (const o of list) process.stdout.write(`${o.platform}:${o.userId}\t${o.name}\t${o.role}\t${o.id}\n`);
      });
    });

  program
    .command('migrate')
    .description('apply database migrations')
    .action(async () => {
      const cfg = config();
      await withStore(cfg, () => process.stdout.write(`migrations applied to ${cfg.database.path}\n`));
    });

  program
    .command('audit')
    .description('audit log: verify')
    .argument('<action>', 'verify')
    .action(async (action: string) => {
      if (action !== 'verify') throw new UserFacingError('usage: netpatrol audit verify', 'usage', 2);
      const cfg = config();
      await withStore(cfg, (store) => {
        const r = verifyAuditChain(store);
        printJson(r);
        if (!r.ok) process.exitCode = 1;
      });
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`netpatrol: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof UserFacingError) {
      process.stderr.write(`netpatrol: ${err.message}\n`);
      process.exit(err.code === 'usage' ? 2 : 1);
    }
    if (err instanceof ZodError) {
      process.stderr.write(`netpatrol: invalid input: ${err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}\n`);
      process.exit(1);
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`netpatrol: ${msg}\n`);
    process.exit(/^REDIS_URL:/.test(msg) ? 2 : 1);
  }
}
