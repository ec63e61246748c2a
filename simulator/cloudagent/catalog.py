"""The fixed cast of the CloudAgent account: campaigns (named, CloudAgent has no campaign
ids), their skills and the agents who take their calls."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Agent:
    """One agent as the dial status rows name them (`agentId`, `agentName`)."""

    agent_id: str  # e.g. "AG1003"
    name: str


@dataclass(frozen=True)
class Campaign:
    """One outbound (preview/progressive dialer) campaign. `rank` orders campaigns and
    numbers their lead ids; `skills` are the skills its leads are uploaded with."""

    name: str
    rank: int
    skills: tuple[str, ...]
    agent_ids: tuple[str, ...]


AGENTS: tuple[Agent, ...] = (
    Agent("AG1001", "Priya Sharma"),
    Agent("AG1002", "Arjun Mehta"),
    Agent("AG1003", "Ravi Kumar"),
    Agent("AG1004", "Sneha Iyer"),
    Agent("AG1005", "Vikram Singh"),
    Agent("AG1006", "Ananya Das"),
    Agent("AG1007", "Farhan Qureshi"),
)
AGENTS_BY_ID = {agent.agent_id: agent for agent in AGENTS}

CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("Loan_Offers", 1, ("Loans", "Loans_Hindi"), ("AG1001", "AG1002", "AG1003")),
    Campaign("Card_Upsell", 2, ("Cards",), ("AG1003", "AG1004", "AG1005")),
    Campaign("Renewal_Calls", 3, ("Renewals", "Renewals_Tamil"), ("AG1005", "AG1006", "AG1007")),
)
CAMPAIGNS_BY_NAME = {campaign.name: campaign for campaign in CAMPAIGNS}
