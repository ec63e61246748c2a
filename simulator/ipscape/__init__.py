"""The simulated ipSCAPE Platform API v3.0 tenant."""

from simulator.ipscape.routes import API_ROOT, ipscape_routes
from simulator.ipscape.world import IpscapeTruth, IpscapeWorld

__all__ = ["API_ROOT", "IpscapeTruth", "IpscapeWorld", "ipscape_routes"]
