/**
 * The rebuttal library (辟谣库): entries in the store, CJK-aware matching of citizens' messages
 * against their claims, publishing that reaches every open verify case, and the admin commands.
 */
export { RebuttalEntrySchema, VERDICTS, REBUTTAL_STATUSES, type RebuttalEntry, type RebuttalEntryInput } from './schema.ts';
export { getRebuttal, importFile, listRebuttals, parseLibraryText, upsertEntries } from './library.ts';
export { normalizeForMatch, features } from './normalize.ts';
export { createRebuttalMatcher, DEFAULT_THRESHOLDS, type MatchResult, type RebuttalMatcher } from './matcher.ts';
export { publishRebuttal, type PublishOptions } from './publish.ts';
export { handleRebuttalChatCommand, runRebuttalsCommand, type RebuttalCommandOptions } from './commands.ts';
