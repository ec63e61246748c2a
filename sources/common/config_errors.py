"""A source's configuration is unusable: the message names the setting."""


class SourceConfigError(ValueError):
    pass


def check_window_settings(source: str, concurrency: int, window_days: float) -> None:
    """The settings of a windowed backfill: at least one request in flight, windows
    of a positive length; SourceConfigError naming the setting otherwise."""
    prefix = f"SOURCES__{source.upper()}__"
    if concurrency < 1:
        raise SourceConfigError(f"{prefix}CONCURRENCY must be at least 1 (got {concurrency})")
    if window_days <= 0:
        raise SourceConfigError(f"{prefix}WINDOW_DAYS must be positive (got {window_days})")
