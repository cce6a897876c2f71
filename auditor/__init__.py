"""Workplan consistency checker and evidence auditor."""
