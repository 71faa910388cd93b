/** Row types of the store's tables, for modules that read or write them. */
import type { cases, deliveries, drafts, messages } from './schema.ts';

export type MessageRow = typeof messages.$inferSelect;
export type DraftRow = typeof drafts.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type CaseRow = typeof cases.$inferSelect;
