"""The simulated Ozonetel CloudAgent account (tokens, Campaign Dial Status by callback)."""

from simulator.cloudagent.config import CloudAgentConfig
from simulator.cloudagent.routes import cloudagent_routes
from simulator.cloudagent.world import CloudAgentTruth, CloudAgentWorld

__all__ = [
    "CloudAgentConfig",
    "CloudAgentTruth",
    "CloudAgentWorld",
    "cloudagent_routes",
]
