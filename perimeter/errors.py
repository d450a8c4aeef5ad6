"""Exceptions raised by the domain layer."""


class DphError(Exception):
    """Base class of every error this product raises on purpose."""


class ConfigError(DphError):
    """A configuration or inventory file is unreadable or holds an invalid value.

    The message always names the file, the key path and the offending value.
    """


class QueryError(DphError):
    """A catalogue query is malformed or failed on an engine."""


class CatalogueError(DphError):
    """The query catalogue is inconsistent (duplicate id, id/file mismatch, unknown rule)."""
