"""Dialler attempt and activity items as the API serves them at a clock.

Before a call's `reveal_at` its end-of-call fields are left out: `hangUp`, `wrapUp`,
`wrapCode`, `wrapDescription`, every duration but `dial` / `ivr` / `queue`, and the
recording, voicemail, survey and quality score that only exist once the call is over.
Durations are whole seconds.
"""

from __future__ import annotations

from typing import Any

from simulator.ipscape.facts import Attempt, CallEnding, InboundCall
from simulator.ipscape.timestamps import format_timestamp, offset_style
from simulator.ipscape.vocabulary import ACTIVITY_ABANDONED, ACTIVITY_ANSWERED

SURVEY_WORKFLOW = {"workflowId": 1, "workflowName": "Post-call Survey"}
VOICEMAIL_MEDIA_ID_OFFSET = 5_000_000  # voicemail media ids never clash with recordings


def attempt_item(attempt: Attempt, clock: float) -> dict[str, Any]:
    """One `GET /v3.0/calls/dialler` item."""
    style = offset_style(attempt.attempt_id)
    timestamps = {"dialled": format_timestamp(attempt.dialled, attempt.zone, style)}
    if attempt.answered is not None:
        timestamps["answered"] = format_timestamp(attempt.answered, attempt.zone, style)
    if attempt.reveal_at <= clock:
        timestamps["hangUp"] = format_timestamp(attempt.hang_up, attempt.zone, style)
    item: dict[str, Any] = {
        "attemptId": attempt.attempt_id,
        "dialStatusId": attempt.dial_status.code,
        "dialStatusName": attempt.dial_status.name,
        "phoneIndex": 1,
        "phoneNumber": attempt.lead.phone,
        "leadId": attempt.lead.lead_id,
        "timestamps": timestamps,
        "type": "call.outbound",
        "campaignId": attempt.campaign_id,
        "campaignName": attempt.campaign_name,
    }
    if attempt.activity_id:
        item["activityId"] = attempt.activity_id
        item["parentActivityId"] = attempt.activity_id
        item["rootActivityId"] = attempt.activity_id
    return item


def activity_item(activity: Attempt | InboundCall, clock: float) -> dict[str, Any]:
    """One `GET /v3.0/activities` item: `{type, data}`."""
    if isinstance(activity, InboundCall):
        return {"type": "call.inbound", "data": _inbound_data(activity, clock)}
    return {"type": "call.outbound", "data": _outbound_data(activity, clock)}


def _outbound_data(attempt: Attempt, clock: float) -> dict[str, Any]:
    revealed = attempt.reveal_at <= clock
    ending = attempt.ending

    def stamp(epoch: int) -> str:
        return format_timestamp(epoch, attempt.zone, offset_style(attempt.activity_id))

    interaction = attempt.hang_up - attempt.answered
    durations = {"dial": attempt.answered - attempt.dialled}
    timestamps = {"created": stamp(attempt.dialled), "answered": stamp(attempt.answered)}
    if revealed:
        durations["interaction"] = interaction
        if ending and attempt.extra_durations:
            durations.update(
                talk=interaction - ending.hold, hold=ending.hold, wrap=ending.wrap_seconds
            )
        timestamps["hangUp"] = stamp(attempt.hang_up)
        if ending:
            timestamps["wrapUp"] = stamp(attempt.wrap_up)
    data: dict[str, Any] = {
        "attemptId": attempt.attempt_id,
        "dialStatusId": attempt.dial_status.code,
        "dialStatusName": attempt.dial_status.name,
        "phoneIndex": 1,
        "phoneNumber": attempt.lead.phone,
        "leadId": attempt.lead.lead_id,
        "durations": durations,
        "timestamps": timestamps,
        **_activity_header(attempt, ending),
        "source": attempt.campaign.caller_id,
        "destination": attempt.lead.phone,
        "campaignId": attempt.campaign_id,
        "campaignName": attempt.campaign_name,
        **_agent_fields(attempt.agent_interaction_id, ending, revealed),
        "recordingStatus": "enabled" if ending else "disabled",
    }
    if revealed and ending:
        data["recordingMetadata"] = _recording(attempt.activity_id, interaction)
    data["voicemailMetadata"] = []
    return data


def _inbound_data(call: InboundCall, clock: float) -> dict[str, Any]:
    revealed = call.reveal_at <= clock
    ending = call.ending

    def stamp(epoch: int) -> str:
        return format_timestamp(epoch, call.zone, offset_style(call.activity_id))

    durations = {"ivr": call.ivr_seconds, "queue": call.queue_seconds}
    timestamps = {"created": stamp(call.created), "joinQueue": stamp(call.join_queue)}
    if ending:
        timestamps["answered"] = stamp(call.answered)
    if revealed:
        timestamps["hangUp"] = stamp(call.hang_up)
    if revealed and ending:
        durations.update(
            hold=ending.hold,
            interaction=call.hang_up - call.answered,
            wrap=ending.wrap_seconds,
            talk=call.talk_seconds,
        )
        timestamps["wrapUp"] = stamp(call.wrap_up)
    data: dict[str, Any] = {
        "durations": durations,
        "timestamps": timestamps,
        **_activity_header(call, ending),
        "source": call.caller,
        "destination": call.campaign.caller_id,
        "campaignId": call.campaign_id,
        "campaignName": call.campaign_name,
        **_agent_fields(call.agent_interaction_id, ending, revealed),
        "recordingStatus": "enabled" if ending else "disabled",
    }
    if revealed and ending:
        data["recordingMetadata"] = _recording(call.activity_id, call.hang_up - call.answered)
    data["voicemailMetadata"] = []
    if revealed and call.voicemail_seconds:
        media_id = VOICEMAIL_MEDIA_ID_OFFSET + call.activity_id
        data["voicemailMetadata"].append(
            {
                "mediaId": media_id,
                "mediaUri": f"/v3.0/media/{media_id}",
                "duration": call.voicemail_seconds,
            }
        )
    if revealed and ending:
        data["survey"] = {"started": call.survey_started}
        if call.survey_started:
            data["survey"]["startTimestamp"] = stamp(call.hang_up + 1)
            data["survey"].update(SURVEY_WORKFLOW)
        data["callQualityScore"] = call.quality_score
    return data


def _activity_header(activity: Attempt | InboundCall, ending: CallEnding | None) -> dict:
    status = ACTIVITY_ANSWERED if ending else ACTIVITY_ABANDONED
    return {
        "activityId": activity.activity_id,
        "parentActivityId": activity.activity_id,  # a single-leg call is its own root
        "rootActivityId": activity.activity_id,
        "activityStatusId": status.code,
        "activityStatusName": status.name,
    }


def _agent_fields(interaction_id: int, ending: CallEnding | None, revealed: bool) -> dict:
    """Agent keys only when an agent took the call; wrap keys once revealed and set."""
    if ending is None:
        return {}
    fields: dict[str, Any] = {
        "agentInteractionId": interaction_id,
        "agentId": ending.agent.user_id,
        "agentFullName": ending.agent_name,
    }
    if revealed and ending.wrap is not None:
        fields["wrapCode"] = ending.wrap.code
        fields["wrapDescription"] = ending.wrap_description
    return fields


def _recording(activity_id: int, seconds: int) -> dict[str, Any]:
    return {
        "mediaId": activity_id,
        "mediaUri": f"/v3.0/media/{activity_id}",
        "duration": seconds,
        "deleted": False,
    }
