"""The nightly job: load the dialer feeds, build the marts, export them."""
