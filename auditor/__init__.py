"""Workplan consistency checker and evidence auditor."""

DISTRIBUTION = "workplan-auditor"


def version() -> str:
    """The installed distribution's version (both CLIs report it)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
