"""Code both applications use: the auditor and the scheduler import it; it imports neither."""
