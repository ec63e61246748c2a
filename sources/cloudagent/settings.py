"""Ozonetel CloudAgent: endpoint facts and defaults (constants only)."""

DEFAULT_TIMEZONE = "Asia/Kolkata"
DEFAULT_BACKFILL_DAYS = 30
DEFAULT_CALLBACK_WAIT_SECONDS = 300.0
DEFAULT_LAG_MINUTES = 60.0
VENDOR_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

TOKEN_PATH = "/ca_apis/caToken/generateToken"
TOKEN_LIFETIME_SECONDS = 60 * 60
TOKEN_RENEW_MARGIN_SECONDS = 5 * 60
DIAL_STATUS_PATH = "/endpoint/dailer/data/preview/download"

DIAL_STATUS_REQUESTS_PER_MINUTE = 10
SORT_BY_UPDATED_DATE = 2

# Vendor error messages (HTTP 200, "status": "error") that concern one campaign only
CAMPAIGN_ERRORS = ("campaignName is invalid",)
