"""ipSCAPE Platform API v3.0: endpoint facts and defaults (constants only)."""

API_VERSION_PATH = "v3.0"

DEFAULT_TIMEZONE = "Australia/Sydney"
DEFAULT_BACKFILL_DAYS = 30
DEFAULT_LAG_DAYS = 2.0
CAMPAIGNS_PER_PAGE = 50

ACTIVITIES_PATH = f"{API_VERSION_PATH}/activities"
DIALLER_ATTEMPTS_PATH = f"{API_VERSION_PATH}/calls/dialler"
LEADS_PATH = f"{API_VERSION_PATH}/leads"
LEAD_PATH = f"{API_VERSION_PATH}/leads/{{lead_id}}"
LEAD_LISTS_PATH = f"{API_VERSION_PATH}/leads/lists"
CAMPAIGNS_PATH = f"{API_VERSION_PATH}/campaigns"
USERS_PATH = f"{API_VERSION_PATH}/users"

# Incremental feeds: (filter parameter prefix, cursor path in the item).
# `...From` and `...To` are both inclusive at the vendor.
ACTIVITIES_FILTER = "createdTimestamp"
ACTIVITIES_CURSOR = "data.timestamps.created"
DIALLER_ATTEMPTS_FILTER = "dialledTimestamp"
DIALLER_ATTEMPTS_CURSOR = "timestamps.dialled"
LEADS_FILTER = "uploadedTimestamp"
LEADS_CURSOR = "timestamps.created"
