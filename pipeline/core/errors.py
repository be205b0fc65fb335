"""The error a user's mistake in the configuration raises: ``ConfigError``, one line for the
command line to print. At the bottom so that the config and the user-stage names it checks
both raise it without importing each other."""


class ConfigError(ValueError):
    pass
