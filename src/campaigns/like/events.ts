// Realtime like counts: one pub/sub channel per like campaign, published after each batch commits,
// for live-room overlays and dashboards. Concurrent batches may publish out of commit order; totals
// only grow, so a listener keeps the largest total it has seen.
export interface LikeCampaignMessage {
  /** Durable total after this batch. */
  total: number;
  /** Likes in this batch. */
  delta: number;
  milestonesReached: number;
  /** Milestones this batch crossed (usually none). */
  newlyReached: number[];
  /** ISO instant of the commit. */
  at: string;
}

declare module '../../core/pubsub.js' {
  interface PubSubTopics {
    /** A like campaign's running total, one channel per campaign. */
    likeCampaign: [campaignId: string, event: LikeCampaignMessage];
  }
}
