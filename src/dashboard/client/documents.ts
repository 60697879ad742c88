// The page's operations, checked against schema/schema.graphql by codegen (client preset) and
// registered in the persisted manifest, so the page sends only their hashes — it works where only
// persisted operations are accepted (production).
import { graphql } from '../../generated/graphql/gql.js';

export const SignedIn = graphql(`
  query DashboardSignedIn {
    viewer {
      kind
      operator {
        displayName
        role
      }
      organization {
        name
        timeZone
      }
    }
  }
`);

export const RunningLikeCampaigns = graphql(`
  query DashboardLikeCampaigns {
    campaigns(kinds: [LIKE], statuses: [RUNNING], first: 10) {
      nodes {
        id
        name
        like {
          targetLikes
          milestoneEvery
          milestonesReached
          totalLikes
        }
      }
    }
  }
`);

export const WatchLikeCampaign = graphql(`
  subscription DashboardLikeCounter($campaignId: ID!) {
    likeCampaign(campaignId: $campaignId) {
      total
      target
      ratePerSecond
      milestonesReached
      at
    }
  }
`);

export const WatchActivity = graphql(`
  subscription DashboardActivity($communityKinds: [CommunityKind!], $kinds: [ActivityKind!]) {
    organizationActivity(communityKinds: $communityKinds, kinds: $kinds) {
      id
      kind
      count
      communityKind
      occurredAt
      missedBefore
    }
  }
`);

export const CurrentLiveSessions = graphql(`
  query DashboardLiveSessions($from: DateTime!) {
    liveSessions(statuses: [LIVE, SCHEDULED], from: $from, first: 4) {
      nodes {
        id
        title
        host
        status
        scheduledAt
        reservationCount
        viewers
        likes
        orderCount
        gmvCents
        items {
          id
          productName
          onSaleAt
        }
      }
    }
  }
`);

export const WatchLiveSession = graphql(`
  subscription DashboardLiveSession($sessionId: ID!) {
    liveSessionEvents(sessionId: $sessionId) {
      kind
      status
      itemId
      productName
      reservationCount
      viewers
      likes
      orderCount
      gmvCents
    }
  }
`);

export const GroupRanking = graphql(`
  query DashboardGroupRanking {
    today: communityRanking(window: { lastDays: 1 }, sortBy: ACTIVE_MEMBERS, first: 5) {
      nodes {
        rank
        community {
          id
          name
          kind
        }
        metrics {
          activeMembers
          messages
          joins
          gmvCents
        }
      }
    }
    week: communityRanking(window: { lastDays: 7 }, sortBy: ACTIVE_MEMBERS, first: 5) {
      nodes {
        rank
        community {
          id
          name
          kind
        }
        metrics {
          activeMembers
          messages
          joins
          gmvCents
        }
      }
    }
  }
`);

export const WatchOrganizationToday = graphql(`
  subscription DashboardOrganizationToday {
    organizationMetrics {
      activeMembers
      messages
      joins
      orders
      gmvCents
    }
  }
`);
