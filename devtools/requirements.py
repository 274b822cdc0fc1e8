"""The Python packages the tests need, as requirements-dev.txt lists them."""

import importlib
import importlib.metadata
import re

from .paths import ROOT

REQUIREMENTS = ROOT / "requirements-dev.txt"
NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(marker="tests"):
    """The names of the requirements whose comment starts with ``marker``
    (``hypothesis  # tests: ...``)."""
    names = []
    for line in REQUIREMENTS.read_text().splitlines():
        requirement, _hash, comment = line.partition("#")
        match = NAME_RE.match(requirement)
        if match and comment.strip().startswith(marker):
            names.append(match.group(1))
    return names


def missing(names):
    """``[(name, why)]`` of the distributions of ``names`` that are not
    installed, or whose top-level modules do not import."""
    modules = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        for distribution in distributions:
            modules.setdefault(normalize(distribution), []).append(module)
    problems = []
    for name in names:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append((name, "not installed"))
            continue
        for module in sorted(modules.get(normalize(name), [])):
            if module.startswith("_") or "-" in module:
                continue
            try:
                importlib.import_module(module)
            except Exception as error:
                problems.append((name, f"import {module}: {error}"))
    return problems


def require_test_dependencies(prog, marker="tests"):
    """Exit with one line naming the missing test dependencies, if any."""
    problems = missing(requirements(marker))
    if problems:
        listed = "; ".join(f"{name} ({why})" for name, why in problems)
        raise SystemExit(
            f"{prog}: ERROR: test dependencies of requirements-dev.txt are missing: "
            f"{listed}: run `make setup` (or pip install -r requirements-dev.txt)."
        )
