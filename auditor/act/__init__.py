"""Acting on verdicts: edits are planned as data, then applied in one place (:mod:`.files`)."""
