"""The simulated QVoice (Campaigns API v2) tenant."""

from simulator.qvoice.config import QVoiceConfig
from simulator.qvoice.routes import qvoice_routes
from simulator.qvoice.world import QVoiceTruth, QVoiceWorld

__all__ = ["QVoiceConfig", "QVoiceTruth", "QVoiceWorld", "qvoice_routes"]
