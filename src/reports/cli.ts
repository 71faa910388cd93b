/**
 * `netpatrol report --month YYYY-MM [--account A] [--format md|json|csv|xlsx|svg] [--out FILE]
 * [--full --actor ID]`: validates the arguments, computes the tallies, renders, writes to FILE or
 * stdout, and reports progress on stderr. `xlsx` is binary and needs `--out`.
 *
 * Unmasked exports (`full`) are for admins only: `actor` must be an active officer with role `admin`,
 * and the request is written to the audit log (`report.full_export`) before any byte is written.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { UserFacingError } from '../errors.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import { officers } from '../store/schema.ts';
import { listCaseRows, type CaseRow } from './cases.ts';
import { computeMonthlyReport } from './monthly.ts';
import { REPORT_FORMATS, renderReport, type ReportFormat } from './render/index.ts';
import { MonthSchema, TimeZoneSchema } from './time.ts';
import { DEFAULT_REPORT_TIMEZONE } from './types.ts';

export interface ReportCommandOptions {
  store: Store;
  month: string;
  account: string;
  timezone: string;
  format: string;
  out?: string;
  full?: boolean;
  actor?: string;
  /** Where progress lines go (default process.stderr). */
  progress?: NodeJS.WritableStream;
  /** Where the report goes when `out` is not set (default process.stdout). */
  stdout?: NodeJS.WritableStream;
}

const ArgsSchema = z.object({
  month: MonthSchema,
  account: z.string().min(1, 'account must not be empty').max(64).default('default'),
  timezone: TimeZoneSchema.default(DEFAULT_REPORT_TIMEZONE),
  format: z.enum(REPORT_FORMATS, { error: `format must be one of ${REPORT_FORMATS.join(', ')}` }).default('md'),
  out: z.string().min(1).optional(),
  full: z.boolean().default(false),
  actor: z.string().min(1).optional(),
});

/** Turns a zod failure into one line per problem, naming the option as the user typed it. */
function argumentError(err: z.ZodError, input: Record<string, unknown>): UserFacingError {
  const lines = err.issues.map((i) => {
    const key = String(i.path[0] ?? 'argument');
    return `--${key} ${JSON.stringify(input[key] ?? null)}: ${i.message}`;
  });
  return new UserFacingError(`invalid report arguments:\n${lines.join('\n')}`, 'invalid_request', 400);
}

/**
 * Checks that `actor` may export unmasked data: an active officer whose role is `admin`.
 * Throws UserFacingError `forbidden` (403) otherwise.
 */
export function authorizeFullExport(store: Store, actor: string | undefined): void {
  if (!actor) {
    throw new UserFacingError('a full (unmasked) export needs --actor: the id of an admin officer', 'forbidden', 403);
  }
  const row = store.db.select().from(officers).where(eq(officers.id, actor)).get();
  if (!row || !row.active || row.role !== 'admin') {
    throw new UserFacingError(`officer ${JSON.stringify(actor)} is not an active admin: full export refused`, 'forbidden', 403);
  }
}

async function writeAll(stream: NodeJS.WritableStream, data: string | Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** Writes `data` to `file` atomically (temp file in the same folder, then rename). */
async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** Runs the report command. Throws UserFacingError for bad arguments or a refused full export. */
export async function runReportCommand(opts: ReportCommandOptions): Promise<void> {
  const input = {
    month: opts.month,
    account: opts.account,
    timezone: opts.timezone,
    format: opts.format,
    out: opts.out,
    full: opts.full,
    actor: opts.actor,
  };
  const parsed = ArgsSchema.safeParse(input);
  if (!parsed.success) throw argumentError(parsed.error, input);
  const args = parsed.data;
  const format: ReportFormat = args.format;
  if (format === 'xlsx' && !args.out) {
    throw new UserFacingError('--format xlsx writes a binary workbook: give --out FILE.xlsx (it is never written to stdout)', 'invalid_request', 400);
  }
  if (args.full) authorizeFullExport(opts.store, args.actor);

  const progress = opts.progress ?? process.stderr;
  const say = (line: string) => progress.write(`report ${args.month} (${args.account}): ${line}\n`);
  const t0 = performance.now();
  say(`computing tallies in ${args.timezone}…`);
  const report = computeMonthlyReport(opts.store, args);
  say(`tallies done in ${Math.round(performance.now() - t0)} ms (${report.messages.received} messages, ${report.cases.opened} cases)`);

  let caseRows: CaseRow[] | undefined;
  if (format === 'csv' || format === 'xlsx') {
    say(`listing cases${args.full ? ' (UNMASKED)' : ''}…`);
    caseRows = listCaseRows(opts.store, {
      ...args,
      onProgress: (done, total) => {
        if (total >= 5000) say(`cases ${done}/${total}`);
      },
    });
  }
  if (args.full) {
    const actor = args.actor!;
    transaction(opts.store, () =>
      appendAudit(opts.store, {
        account: args.account,
        actor,
        action: 'report.full_export',
        subjectType: 'report',
        subjectId: `${args.account}/${args.month}`,
        data: { month: args.month, format, out: args.out ?? 'stdout', caseRows: caseRows?.length ?? 0 },
      }),
    );
  }
  if (format === 'xlsx') say('building workbook…');
  const rendered = await renderReport(report, format, caseRows ? { caseRows } : {});
  if (args.out) {
    await writeFileAtomic(args.out, rendered);
    say(`wrote ${args.out} (${Buffer.byteLength(rendered)} bytes) in ${Math.round(performance.now() - t0)} ms`);
  } else {
    await writeAll(opts.stdout ?? process.stdout, rendered);
  }
}
