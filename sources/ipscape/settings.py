"""ipSCAPE Platform API v3.0: endpoint facts and defaults (constants only)."""

API_VERSION_PATH = "v3.0"

DEFAULT_TIMEZONE = "Australia/Sydney"
DEFAULT_BACKFILL_DAYS = 30
DEFAULT_LAG_DAYS = 2.0
CAMPAIGNS_PER_PAGE = 50
# time windows of a backfill fetched at once (ipSCAPE publishes no limit; 16 hides
# 100 ms a page: a 90-day backfill 7.9 s, 10.1 s with 8), and their shortest length:
# a night's range (the 2-day lag and the new day) is cut into 6-hour windows, so its
# busiest day is not one sequential walk (1M world, quiet night: activities 0.97 ->
# 0.66 s)
DEFAULT_CONCURRENCY = 16
DEFAULT_WINDOW_DAYS = 0.25

ACTIVITIES_PATH = f"{API_VERSION_PATH}/activities"
DIALLER_ATTEMPTS_PATH = f"{API_VERSION_PATH}/calls/dialler"
LEADS_PATH = f"{API_VERSION_PATH}/leads"
LEAD_PATH = f"{API_VERSION_PATH}/leads/{{lead_id}}"
LEAD_LISTS_PATH = f"{API_VERSION_PATH}/leads/lists"
CAMPAIGNS_PATH = f"{API_VERSION_PATH}/campaigns"
USERS_PATH = f"{API_VERSION_PATH}/users"

# Filter parameter prefixes of the incremental feeds (`<prefix>From` / `<prefix>To`, both
# inclusive at the vendor); their cursors are in sources/ipscape/feeds.py.
ACTIVITIES_FILTER = "createdTimestamp"
DIALLER_ATTEMPTS_FILTER = "dialledTimestamp"
LEADS_FILTER = "uploadedTimestamp"
