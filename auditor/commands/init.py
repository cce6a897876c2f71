"""``auditor init [FILE]``: write a commented starter ``auditor.toml``.

It names the directory it is written in as the one repo of the workspace (its workplans under
``workplans/``) and shows every other table commented out. An existing file is left alone
unless ``--force``. Exit 0 written, 2 not written.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from auditor.act.files import replace_file
from auditor.config import ConfigError
from auditor.parse.workplan import DEFAULT_MAX_FILE_BYTES

STARTER = '''\
# auditor.toml: the workspace `auditor check` reads (docs/ci.md, docs/editors.md).
# Check it with `auditor check`; its JSON Schema is `auditor schema config`.
# Relative paths are relative to the directory holding this file.

[repos.{name}]
path = "."                                # the checkout; workplans are read from <path>/<workplans>/
workplans = "workplans"
# evidence = "evidence"                   # an evidence bundle (docs/evidence.md)

# [repos.other-repo]                      # more repos of the same workspace
# path = "../other-repo"

# [rules.WP021]
# severity = "error"                      # error | warning | info

# [rules.WP031]
# enabled = false

# [vocabulary]                            # added to the built-in vocabularies
# task_statuses = ["review"]

# [limits]
# max_file_bytes = {max_file_bytes}

# [sources.state_hub]                     # live evidence (docs/sources.md)
# url = "https://state-hub.example"
# token_env = "STATE_HUB_TOKEN"           # the variable's name, never the token
'''


def starter(directory: Path) -> str:
    """The starter config for a workspace in ``directory``; the repo is named after it."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", directory.resolve().name).strip("-") or "workspace"
    return STARTER.format(name=name, max_file_bytes=DEFAULT_MAX_FILE_BYTES)


def run(path: Path, *, force: bool, console: Console) -> int:
    """Write the starter; a file in the way or a failed write is a :class:`ConfigError`."""
    if (path.exists() or path.is_symlink()) and not force:
        raise ConfigError(f"{path} exists; not overwritten (--force replaces it)")
    try:
        replace_file(path, starter(path.parent).encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    console.print(f"wrote {path}", markup=False, highlight=False)
    return 0
