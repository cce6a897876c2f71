"""Nothing a workplan, a bundle or a finding says becomes markup or script in the HTML report;
empty workspaces and checks without slots still render."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

from auditor.commands.check import EvidenceOptions, collect
from auditor.config import Config
from auditor.report.html_format import render
from auditor.report.model import build_report
from auditor.workspace import resolve_targets

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
ATTRIBUTE = '" onfocus="window.__pwned=3" x="'
WORKPLAN = """---
id: WP-{attribute}
type: workplan
repo: hostile
title: "{hostile}"
status: active
---

# {hostile}

## Task

```task
id: T-{hostile}
status: wait
priority: "{attribute}"
depends_on: ["{hostile}"]
```

```evidence
consecutive_runs:
  activity: "{hostile}"
  after: 2026-06-07
  count: 3
  note: "{hostile}-{{date}}"
decision: {{title_contains: "{hostile}"}}
```

## Slotless

```task
id: T-later
status: wait
priority: low
```

```evidence
consecutive_runs: {{activity: later, after: 2026-06-20, count: 1}}
```
"""


def hostile_report(tmp_path: Path) -> str:
    root = tmp_path / HOSTILE.replace("/", "_")
    (root / "evidence" / "notes").mkdir(parents=True)
    (root / "evidence" / "notes" / f"{HOSTILE.replace('/', '_')}-2026-06-08.md").write_text("note\n", encoding="utf-8")
    (root / "evidence" / "activity_runs.jsonl").write_text(f'{{"run_id": "{ATTRIBUTE.replace(chr(34), "")}", "broken\n', encoding="utf-8")
    workplan = root / f"WP-{HOSTILE.replace('/', '_')}.md"
    workplan.write_text(WORKPLAN.format(hostile=HOSTILE.replace('"', "'"), attribute=ATTRIBUTE.replace('"', "'")), encoding="utf-8")
    evidence = EvidenceOptions(evidence_dir=root / "evidence", today=dt.date(2026, 6, 20))
    checked = collect(resolve_targets([str(workplan)], Config()), Config(), evidence)
    assert checked.verdicts and checked.findings
    return render(build_report(checked.workplans, checked.findings, checked.verdicts))


class Markup(HTMLParser):
    """The tags and attribute names of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes |= {name for name, _ in attrs}


def test_hostile_values_are_text_not_markup(tmp_path: Path) -> None:
    page = hostile_report(tmp_path)
    markup = Markup()
    markup.feed(page)
    assert "img" not in markup.tags
    assert markup.tags.count("script") == 3  # the labels, the packed provenance, the page's own script
    assert not {name for name in markup.attributes if name.startswith("on") or name == "x"}
    assert "__pwned=1</script>" not in page and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page


def test_hostile_values_show_as_text_in_the_browser(tmp_path: Path, open_page) -> None:
    page = tmp_path / "report.html"
    page.write_text(hostile_report(tmp_path), encoding="utf-8")
    driver = open_page(page).driver
    cells = driver.find_elements("css selector", ".cal [data-date]")
    assert cells
    for cell in cells:
        driver.execute_script("arguments[0].focus(); arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", cell)
    assert driver.execute_script("return window.__pwned") is None
    driver.execute_script("document.querySelector('.cal [data-date=\"2026-06-09\"]').focus()")
    shown = driver.execute_script("return document.querySelector('.prov').innerText")
    assert "no note <script>window.__pwned=1</script>" in shown, "the slot's provenance names the hostile note as text"
    assert driver.execute_script("return document.querySelectorAll('img, script:not([id]) ~ script').length") == 0
    text = driver.execute_script("return document.body.innerText")
    assert "<script>window.__pwned=1</script>" in text
    task = driver.execute_script("return document.querySelector('[data-task-id^=\"T-<script>\"]').dataset.taskId")
    assert task.startswith("T-<script>")
    assert driver.execute_script("return document.querySelector('[data-task-id=\"T-later\"] .calendar').textContent").endswith(
        "no expected slot yet"
    )
    assert driver.get_log("browser") == []


def test_an_empty_workspace_renders(tmp_path: Path) -> None:
    page = render(build_report([], [], []))
    assert "No workplans were read." in page and "No findings." in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_a_verdict_whose_task_is_not_listed_is_still_shown(tmp_path: Path) -> None:
    evidence = EvidenceOptions(evidence_dir=Path(__file__).resolve().parents[2] / "workplans/activity-core/evidence-ready", today=dt.date(2026, 6, 20))
    checked = collect(resolve_targets(["activity-core"], Config()), Config(), evidence)
    report = build_report([], checked.findings, checked.verdicts)
    page = render(report)
    assert page.count('data-verdict="ready"') == 2 and "Verdicts of tasks not listed above" in page
