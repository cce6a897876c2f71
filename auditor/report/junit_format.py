"""``--format junit``: JUnit XML, as CI test-report viewers read it (GitLab, Jenkins, Azure).

One ``testsuite`` per workplan (and per other file a finding names). Each finding at or above
``--fail-on`` is a failed ``testcase``; each evidence verdict is a ``testcase`` of its own,
failed when ``violated``, with the verdict's lines as its output. A file with neither has one
passing ``consistency`` case, so every workplan read shows up. Characters XML cannot carry
are replaced by U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from rich.console import Console

from auditor.evidence.render import verdict_lines
from auditor.model import Finding
from auditor.report.model import CheckReport

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write(report: CheckReport, console: Console) -> None:
    failing = [finding for finding in report.findings if report.fail_on is not None and finding.severity >= report.fail_on]
    by_path: dict[str, list[ElementTree.Element]] = {workplan.path: [] for workplan in report.workplans}
    for finding in failing:
        by_path.setdefault(finding.path, []).append(_finding_case(finding))
    for verdict in report.verdicts:
        case = _case(verdict.workplan_id or verdict.path, f"evidence {verdict.task_id}", verdict.path, verdict.line)
        if verdict.verdict == "violated":
            _element(case, "failure", f"{verdict.task_id} is {verdict.task_status} but its evidence fails", type="violated")
        lines = [f"{verdict.task_id} ({verdict.task_status}): {verdict.verdict}", *verdict_lines(verdict.model_dump(mode="json"))]
        _element(case, "system-out", "\n".join(lines))
        by_path.setdefault(verdict.path, []).append(case)
    suites = ElementTree.Element("testsuites", name="workplan-auditor")
    for path in sorted(by_path):
        cases = by_path[path] or [_case(path, "consistency", path, 1)]
        suite = ElementTree.SubElement(suites, "testsuite", name=_clean(path), file=_clean(path))
        suite.extend(cases)
        _count(suite, cases)
    _count(suites, [case for suite in suites for case in suite])
    ElementTree.indent(suites)
    console.file.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n")


def _finding_case(finding: Finding) -> ElementTree.Element:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    case = _case(finding.workplan_id or finding.path, f"{finding.code} {where}", finding.path, finding.line)
    _element(case, "failure", f"{where} {finding.code} {finding.severity.name} {finding.message}",
             message=finding.message, type=finding.code)
    return case


def _case(classname: str, name: str, path: str, line: int) -> ElementTree.Element:
    return ElementTree.Element("testcase", classname=_clean(classname), name=_clean(name), file=_clean(path), line=str(line))


def _element(parent: ElementTree.Element, tag: str, text: str, **attributes: str) -> None:
    child = ElementTree.SubElement(parent, tag, {key: _clean(value) for key, value in attributes.items()})
    child.text = _clean(text)


def _count(element: ElementTree.Element, cases: list[ElementTree.Element]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    element.set("errors", "0")
    element.set("skipped", "0")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
