"""The CloudAgent world: generated leads and dials, the vendor's clock, the dial status
report at it, tokens, the rate limit, and the callbacks sent to the requesters.

Thread-safe: the test thread moves the clock while the server thread serves requests
and the courier thread delivers callbacks.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from simulator.clocked import ClockedWorld
from simulator.cloudagent.auth import (
    AUTHENTICATION_FAILED,
    TOKEN_LIMIT_EXCEEDED,
    TokenBook,
    account_error,
)
from simulator.cloudagent.callbacks import RowsFile, callback_body, plan_callback
from simulator.cloudagent.catalog import CAMPAIGNS
from simulator.cloudagent.config import CloudAgentConfig
from simulator.cloudagent.delivery import Callback, Courier, Delivery
from simulator.cloudagent.facts import Lead
from simulator.cloudagent.generator import DayGenerator
from simulator.cloudagent.params import (
    TOO_MANY_REQUESTS,
    InvalidRequest,
    callback_url,
    report_query,
)
from simulator.cloudagent.report import ReportQuery, report_rows
from simulator.cloudagent.throttle import Throttle
from simulator.qvoice.ids import hex_id

REQUEST_ACCEPTED = "Request accepted"
_lead_order = attrgetter("order")


@dataclass(frozen=True)
class DialStatusRequest:
    """One dial status request as served: the simulator time it came at, the campaign it
    named ("" when none), the uniqueId given ("" when refused), the answer's message and
    the body as sent."""

    at: datetime
    campaign_name: str
    unique_id: str
    message: str
    body: dict[str, Any]

    @property
    def accepted(self) -> bool:
        return bool(self.unique_id)


@dataclass(frozen=True)
class CloudAgentTruth:
    """What the account sent: every row of every callback the receiver took (2xx),
    flattened in delivery order, each with its callback's `campaignName` added when the
    row has none (duplicates and re-reports included, as delivered); every dial status
    request; and the zone of the rows' naive times."""

    delivered_rows: list[dict[str, Any]]
    requests: list[DialStatusRequest]
    account_timezone: str


class CloudAgentWorld(ClockedWorld):
    """A deterministic CloudAgent account seen at a movable clock."""

    def __init__(self, config: CloudAgentConfig | None = None) -> None:
        self.config = config or CloudAgentConfig()
        self._lock = threading.RLock()
        self._clock = self.config.clock
        self._zone = ZoneInfo(self.config.account_timezone)
        self._generator = DayGenerator(self.config)
        self._leads: dict[str, list[Lead]] = {campaign.name: [] for campaign in CAMPAIGNS}
        self._tokens = TokenBook(self.config)
        self._throttle = Throttle(self.config.rate_limit_per_minute)
        self._requests: list[DialStatusRequest] = []
        self._files: dict[str, RowsFile] = {}
        self.courier = Courier(self.config.delivery_delay_seconds, self.config.reorder)
        self._generate()

    def advance(self, days: float = 0, hours: float = 0, seconds: float = 0) -> None:
        """Move the clock forward (also the "sleep" of a client's rate limiter)."""
        with self._lock:
            self.set_clock(self._clock + timedelta(days=days, hours=hours, seconds=seconds))

    def generate_token(self, api_key: str | None, body: Any) -> dict[str, Any]:
        """The answer to `POST /ca_apis/caToken/generateToken`."""
        user_name = body.get("userName") if isinstance(body, dict) else None
        error = account_error(self.config, api_key, user_name)
        if error is None:
            token = self._tokens.issue(self._unix_clock())
            if token is not None:
                return {"token": token}
            error = TOKEN_LIMIT_EXCEEDED
        return {"status": "error", "message": error}

    def request_dial_status(
        self, api_key: str | None, authorization: str, body: Any, files_base_url: str
    ) -> dict[str, Any]:
        """The answer to `POST /endpoint/dailer/data/preview/download`; an accepted
        request's callback (the rows at the clock now) is queued or held. `files_base_url`
        is where `GET /files/{name}` is served."""
        body = body if isinstance(body, dict) else {}
        with self._lock:
            clock = self._unix_clock()
            try:
                query = self._authorized_query(api_key, authorization, body, clock)
                unique_id = self._unique_id(clock)
                rows = self._rows(query)
                self._send(unique_id, query.campaign_name, rows, body, files_base_url)
                answer = {"status": "success", "message": REQUEST_ACCEPTED, "uniqueId": unique_id}
            except InvalidRequest as refusal:
                answer = {"status": "error", "message": str(refusal), "uniqueId": ""}
            campaign_name = body.get("campaignName")
            self._requests.append(
                DialStatusRequest(
                    at=self._clock,
                    campaign_name=campaign_name if isinstance(campaign_name, str) else "",
                    unique_id=answer["uniqueId"],
                    message=answer["message"],
                    body=json.loads(json.dumps(body)),
                )
            )
            return answer

    def dial_status_report(
        self, campaign_name: str, sortby: int = 0, from_date: str = "", to_date: str = ""
    ) -> list[dict[str, Any]]:
        """The rows a request for `campaign_name` would get at the clock (no auth, no
        rate limit, no callback; status, dial status and dispositions: all). Raises
        ValueError for what the API refuses."""
        body = {
            "campaignName": campaign_name,
            "callBackUrl": "http://test.com/",
            "sortby": sortby,
            "fromDate": from_date,
            "toDate": to_date,
            "status": "All",
            "dialstatus": "All",
            "dispositions": "ALL",
        }
        with self._lock:
            query = report_query(body, self._zone)
            return self._rows(query)

    def rows_file(self, name: str) -> RowsFile | None:
        """A file a callback linked to, by name (`<uniqueId>.csv` or `.json`)."""
        with self._lock:
            return self._files.get(name)

    @property
    def dial_status_requests(self) -> list[DialStatusRequest]:
        """Every dial status request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every callback copy sent so far (with the receiver's answer), oldest first."""
        return self.courier.deliveries

    def release_held(self) -> int:
        """Send every held callback now (after the delivery delay); how many there were."""
        return self.courier.release_held()

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Wait until every scheduled (not held) callback was sent; False on timeout."""
        return self.courier.wait(timeout)

    def ground_truth(self) -> CloudAgentTruth:
        """What was delivered and requested so far, as fresh plain values."""
        rows = [
            {**row, "campaignName": row.get("campaignName", delivery.campaign_name)}
            for delivery in self.courier.deliveries
            if delivery.delivered
            for row in delivery.rows
        ]
        return CloudAgentTruth(
            delivered_rows=json.loads(json.dumps(rows)),
            requests=self.dial_status_requests,
            account_timezone=self.config.account_timezone,
        )

    def _authorized_query(
        self, api_key: str | None, authorization: str, body: dict[str, Any], clock: int
    ) -> ReportQuery:
        if not self._throttle.admit(clock):
            raise InvalidRequest(TOO_MANY_REQUESTS)
        error = account_error(self.config, api_key, body.get("userName"))
        if error is not None:
            raise InvalidRequest(error)
        if not self._tokens.accepts(authorization, clock):
            raise InvalidRequest(AUTHENTICATION_FAILED)
        return report_query(body, self._zone)

    def _rows(self, query: ReportQuery) -> list[dict[str, Any]]:
        return report_rows(self._leads[query.campaign_name], query, self._unix_clock(), self._zone)

    def _unique_id(self, clock: int) -> str:
        """24 digits like the vendor's transaction ids: the request's simulator time in
        ms, the number of requests accepted so far, and 6 seed-derived digits."""
        number = sum(request.accepted for request in self._requests) + 1
        salt = int(hex_id("cloudagent", self.config.seed, number), 16) % 1_000_000
        return f"{clock * 1000}{number:05d}{salt:06d}"

    def _send(
        self,
        unique_id: str,
        campaign_name: str,
        rows: list[dict[str, Any]],
        body: dict[str, Any],
        files_base_url: str,
    ) -> None:
        """Queue (or hold) the callback of an accepted request, as its plan says."""
        plan = plan_callback(self.config, unique_id)
        payload, rows_file = callback_body(unique_id, campaign_name, rows, plan, files_base_url)
        if rows_file is not None:
            self._files[rows_file.name] = rows_file
        callback = Callback(
            unique_id, campaign_name, callback_url(body), payload, rows, plan.copies
        )
        if plan.held:
            self.courier.hold(callback)
        else:
            self.courier.schedule(callback)

    def _unix_clock(self) -> int:
        with self._lock:
            return int(self._clock.timestamp())

    def _generate(self) -> None:
        """Generate every local day begun by the clock (days already made are kept)."""
        leads = self._generator.generate_until(self._clock.timestamp())
        for lead in leads:
            self._leads[lead.campaign.name].append(lead)
        if leads:
            for campaign_leads in self._leads.values():
                campaign_leads.sort(key=_lead_order)
