"""Code both applications use: the auditor and the scheduler import it; it imports neither."""

DISTRIBUTION = "workplan-auditor"


def version() -> str:
    """The installed distribution's version (both CLIs and the SARIF report give it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
