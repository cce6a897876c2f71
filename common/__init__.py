"""Code both the auditor and the scheduler use."""
