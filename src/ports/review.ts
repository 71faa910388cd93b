/**
 * The review port: how a card reaches the officers' chat on one platform. Decisions come back the
 * other way through {@link OfficerCommandHandler} (commands) or the review service (buttons, HTTP).
 */
export interface ReviewCard {
  readonly draftId: string;
  readonly shortCode: string;
  /** Plain text of the card as the core rendered it (masked as the audience requires). */
  readonly text: string;
  /** Actions offered as buttons where the platform has them. */
  readonly actions: readonly ('approve' | 'edit' | 'reject' | 'forward')[];
  /** `new` card, `reminder` of a pending one, `decided` (update: who decided what), `emergency` alert. */
  readonly event: 'new' | 'reminder' | 'decided' | 'emergency' | 'notice';
}

export interface ReviewChannel {
  /** Posts (or, for `decided`, updates) a card in the officers' chat. Resolves once the platform accepted it. */
  post(card: ReviewCard): Promise<void>;
}
