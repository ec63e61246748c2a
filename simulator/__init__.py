"""Vendor simulators: deterministic dialer APIs served over real HTTP for demos and tests."""

from simulator.cloudagent import CloudAgentConfig, CloudAgentTruth, CloudAgentWorld
from simulator.config import SimulatorConfig
from simulator.faults import FaultInjector
from simulator.ipscape import IpscapeTruth, IpscapeWorld
from simulator.qvoice import QVoiceConfig, QVoiceTruth, QVoiceWorld
from simulator.server import SimulatorServer

__all__ = [
    "CloudAgentConfig",
    "CloudAgentTruth",
    "CloudAgentWorld",
    "FaultInjector",
    "IpscapeTruth",
    "IpscapeWorld",
    "QVoiceConfig",
    "QVoiceTruth",
    "QVoiceWorld",
    "SimulatorConfig",
    "SimulatorServer",
]
