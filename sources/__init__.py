"""dlt sources, one package per dialer vendor."""
