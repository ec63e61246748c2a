"""A source's configuration is unusable: the message names the setting."""


class SourceConfigError(ValueError):
    pass
