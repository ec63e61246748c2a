"""Contact-center Campaigns API v2 (QVoice / FonoUC): endpoint facts and defaults."""

DEFAULT_TIMEZONE = "UTC"
DEFAULT_BACKFILL_DAYS = 30
DEFAULT_LAG_DAYS = 2.0
DEFAULT_PAGE_SIZE = 1000
# the history's time windows walked at once: the portal is the tenant's own PBX server,
# with no published limit, so fewer than ipSCAPE's 16; a night's range (the 2-day lag
# and the new day) is cut into 6-hour windows
DEFAULT_CONCURRENCY = 4
DEFAULT_WINDOW_DAYS = 0.25

LOGIN_PATH = "/api/v2/login"
LEADS_HISTORY_PATH = "/api/v2/reports/campaigns/leads/history"
CAMPAIGN_LEADS_PATH = "/api/v2/config/campaigns/{campaign_id}/leads"
CAMPAIGNS_STATUS_PATH = "/api/v2/reports/campaigns/leads/status"
QUEUES_STATUS_PATH = "/callcenter/queues/status"

ACCOUNT_HEADER = "X-Account-ID"

# leads_history: incremental on the dial's unix time; paged by next_start_key, which
# the next request sends as start_key (and, per the seed's spelling, startKey)
HISTORY_CURSOR = "timestamp"
HISTORY_KEY_PARAMS = ("start_key", "startKey")
CAMPAIGN_LEADS_KEY_PARAMS = ("next_start_key",)
