"""Helpers every vendor source shares: time-zone rules and bad-record errors."""
