"""WP004: the file name does not start with the workplan id."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, assert_clean, assert_defect


@pytest.mark.parametrize("name", ["demo-plan.md", "DEMO-WP-0002-demo-plan.md", "DEMO-WP-00011-demo.md", "xDEMO-WP-0001.md"])
def test_a_name_without_the_id_is_reported_at_the_id_line(name):
    fragment = f"file name '{name}' does not start with the id 'DEMO-WP-0001'"
    assert_defect(CLEAN, "WP004", name=name, line="id: DEMO-WP-0001", fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize("name", ["DEMO-WP-0001.md", "DEMO-WP-0001-demo-plan.md", "DEMO-WP-0001.v2.md", "workplans/DEMO-WP-0001-x.md"])
def test_a_name_starting_with_the_id_is_not_reported(name):
    assert_clean(CLEAN, "WP004", name=name)
