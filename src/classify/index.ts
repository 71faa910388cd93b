/**
 * netpatrol's Chinese message classifier: intent × category with a confidence, validated entities
 * and a high-recall emergency stage. See README.md in this folder for how it works and its figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ClassificationSchema, type Classification } from '../domain/schemas.ts';
import type { Category, Intent } from '../domain/vocabulary.ts';
import { buildClassifier, overrideKey, type Classifier } from './classifier.ts';
import { extractEntities } from './entities.ts';
import {
  CompiledEmergencyCategories,
  EMERGENCY_CATEGORY_LABELS,
  trainEmergencyCategories,
  type EmergencyCategoryRow,
} from './emergency-category.ts';
import type { EmergencyCategory } from './rules/emergency.ts';
import { CompiledEmergencyHead, headFeatures, trainEmergencyHead, type HeadRow } from './emergency-head.ts';
import { maskIdioms } from './emergency.ts';
import { HEAD_ONLY_DIR, VALIDATION_DIR, isFreshValidation, loadExamples } from './examples.ts';
import { featurize } from './features.ts';
import { defaultScanner } from './lexicon-scan.ts';
import { CompiledModel, ModelFileSchema, trainModel, type ModelFile, type TrainingRow } from './model.ts';
import { normalize } from './normalize.ts';

export type { Classifier } from './classifier.ts';
export { normalize, type NormalizedText } from './normalize.ts';
export { extractEntities, luhnValid, idNumberValid, maskNumber } from './entities.ts';
export { detectEmergency } from './emergency.ts';

/** The committed weights, reproducible with `node bin/run-ts.mjs scripts/train-classifier.ts`. */
export const DEFAULT_MODEL_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model.json');
/** Where `netpatrol classify --retrain` writes by default (relative to the working directory). */
export const RETRAINED_MODEL_PATH = path.join('data', 'classifier-model.json');

/** An officer's correction of a classification. `intent: null` leaves the intent as it was; `category: null` means "no category". */
export interface LabelCorrection {
  text: string;
  intent: Intent | null;
  category: Category | null;
}

/** How much more a correction weighs than a repository example during training. */
const CORRECTION_WEIGHT = 4;

function readModel(file: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read classifier model ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ModelFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`classifier model ${file} is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** Picks the model file: explicit path, then CLASSIFIER_MODEL_PATH, then ./data/classifier-model.json, then the committed one. */
export function resolveModelPath(options: { modelPath?: string } = {}): string {
  if (options.modelPath) return options.modelPath;
  const fromEnv = process.env.CLASSIFIER_MODEL_PATH;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  if (fs.existsSync(RETRAINED_MODEL_PATH)) return RETRAINED_MODEL_PATH;
  return DEFAULT_MODEL_PATH;
}

/**
 * Loads a classifier synchronously (see {@link resolveModelPath} for which weights). Throws an Error
 * naming the file when it cannot be read or is not a model.
 */
export function loadClassifier(options: { modelPath?: string } = {}): Classifier {
  const file = readModel(resolveModelPath(options));
  return buildClassifier(
    new CompiledModel(file),
    file.emergencyHead ? new CompiledEmergencyHead(file.emergencyHead) : null,
    defaultScanner,
    file.emergencyCategories ? new CompiledEmergencyCategories(file.emergencyCategories) : null,
  );
}

function rowFor(text: string, intent: Intent | null, category: Category | null, weight: number): TrainingRow {
  const norm = normalize(text);
  const lower = norm.text.toLowerCase();
  const entities = extractEntities(norm.text);
  return { bag: featurize(lower, entities, defaultScanner), intent, category: category ?? 'none', weight };
}

/** The emergency head's training row for one text. */
export function headRowFor(text: string, emergency: boolean, weight: number): HeadRow {
  const norm = normalize(text);
  const lower = norm.text.toLowerCase();
  const masked = maskIdioms(lower);
  const bag = headFeatures(masked, defaultScanner.scan(lower), extractEntities(norm.text), defaultScanner);
  return { bag, chars: masked.length, emergency, weight };
}

/**
 * The texts the emergency head trains on: every training example, the head-only examples, and the
 * validation batches that are not fresh (see examples.ts), each labelled emergency or not.
 */
export function headTrainingExamples(): Array<{ text: string; emergency: boolean; category: Category | null; source: string }> {
  const validation = loadExamples(VALIDATION_DIR).filter((e) => !isFreshValidation(e));
  return [...loadExamples(), ...loadExamples(HEAD_ONLY_DIR), ...validation].map((e) => ({
    text: e.text,
    emergency: e.intent === 'emergency',
    category: e.category,
    source: e.source,
  }));
}

function isEmergencyCategory(c: Category | null): c is EmergencyCategory {
  return (EMERGENCY_CATEGORY_LABELS as readonly string[]).includes(c ?? '');
}

/**
 * Trains a model file from the repository's examples plus corrections. Deterministic: the same
 * examples and corrections give the same file, byte for byte.
 */
export function trainModelFile(corrections: LabelCorrection[] = []): ModelFile {
  const examples = loadExamples();
  const rows = examples.map((e) => rowFor(e.text, e.intent, e.category, 1));
  const overrides: ModelFile['overrides'] = {};
  for (const c of corrections) {
    rows.push(rowFor(c.text, c.intent, c.category, CORRECTION_WEIGHT));
    overrides[overrideKey(normalize(c.text).text.toLowerCase())] = { intent: c.intent, category: c.category };
  }
  const trained = trainModel(rows);
  const { epochs, ...rest } = trained;
  const headExamples = headTrainingExamples();
  const headRows = headExamples.map((e) => headRowFor(e.text, e.emergency, 1));
  // The emergency category model learns from the same rows' features, emergencies only.
  const categoryRows: EmergencyCategoryRow[] = [];
  headExamples.forEach((e, i) => {
    if (e.emergency && isEmergencyCategory(e.category)) categoryRows.push({ bag: headRows[i]!.bag, category: e.category, weight: 1 });
  });
  for (const c of corrections) {
    if (c.intent === null) continue;
    const row = headRowFor(c.text, c.intent === 'emergency', CORRECTION_WEIGHT);
    headRows.push(row);
    if (c.intent === 'emergency' && isEmergencyCategory(c.category)) categoryRows.push({ bag: row.bag, category: c.category, weight: CORRECTION_WEIGHT });
  }
  const emergencyHead = trainEmergencyHead(headRows);
  const emergencyCategories = trainEmergencyCategories(categoryRows);
  return { ...rest, emergencyHead, emergencyCategories, overrides, meta: { examples: examples.length, corrections: corrections.length, epochs } };
}

/** Writes a model file (creating its folder). */
export function writeModelFile(model: ModelFile, outPath: string): void {
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  const rows = model.weights.map((w) => JSON.stringify(w)).join(',\n');
  const head = JSON.stringify({ ...model, weights: [] }).replace(/"weights":\[\]/, `"weights":[\n${rows}\n]`);
  fs.writeFileSync(outPath, `${head}\n`);
}

/**
 * Retrains from the repository's examples plus officers' corrections and writes the model to
 * `outPath`. Guaranteed: classifying a corrected text with the new model gives the corrected labels
 * (corrections weigh more in training and are also kept as exact-text overrides).
 */
export function retrain(corrections: LabelCorrection[], outPath: string): { examples: number; corrections: number; outPath: string } {
  const model = trainModelFile(corrections);
  writeModelFile(model, outPath);
  return { examples: model.meta.examples, corrections: corrections.length, outPath };
}

const JsonlInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  text: z.string().max(10_000),
});

/**
 * Classifies `{"id","text"}` lines from `input`, writing one JSON line per non-blank input line to
 * `output`, in order. A line that is not valid JSON or lacks `text` yields `{"id":…,"error":"…"}`;
 * it never stops the stream. Honors back-pressure. Resolves once the input ended and all was written.
 */
export async function classifyJsonl(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  classifier: Classifier,
): Promise<{ lines: number; errors: number }> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  let errors = 0;
  let buffer: string[] = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = `${buffer.join('\n')}\n`;
    buffer = [];
    if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', resolve));
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    lines += 1;
    let id: string | null = null;
    try {
      const json: unknown = JSON.parse(line);
      if (json && typeof json === 'object' && 'id' in json && (typeof json.id === 'string' || typeof json.id === 'number')) {
        id = String(json.id);
      }
      const parsed = JsonlInputSchema.safeParse(json);
      if (!parsed.success) throw new Error(`expected {"id","text"}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const result: Classification = classifier.classify(parsed.data.text, id ?? undefined);
      buffer.push(JSON.stringify(result));
    } catch (err) {
      errors += 1;
      const message = err instanceof SyntaxError ? 'invalid JSON' : (err as Error).message;
      buffer.push(JSON.stringify({ id, error: message }));
    }
    if (buffer.length >= 256) await flush();
  }
  await flush();
  return { lines, errors };
}

export { ClassificationSchema };
