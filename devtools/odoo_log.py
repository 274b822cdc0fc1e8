"""Reading Odoo's log."""

import re

# The first line of each record: "2024-05-21 10:00:00,123 4242 LEVEL db logger: ..."
LOG_RECORD_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.M)
# A tests package (or a module it imports) that Odoo could not import: older
# Odoo logs "Can not `import` <module>." and goes on without its tests; Odoo 18
# lets the ImportError up, and then fails to load the modules or to run the
# post-install tests (the traceback names a tests package).
TEST_IMPORT_FAILURE_RE = re.compile(
    r"Can not `import`"
    r"|^(?:ModuleNotFoundError|ImportError): .*"
    r"|odoo\.tests\.loader: .*(?:import|Import)",
    re.M,
)


def log_records(text):
    """The records of a log: ``[(level, text of the record)]``, a record being
    its first line and the lines that follow it (a traceback...)."""
    starts = list(LOG_RECORD_RE.finditer(text))
    ends = [match.start() for match in starts[1:]] + [len(text)]
    return [
        (match.group(1), text[match.start() : end]) for match, end in zip(starts, ends)
    ]
