"""setuptools-odoo for the Odoo 18.0 addons of this repository.

Each addon is its own distribution, built from setup/<addon>/ the way
setuptools-odoo builds OCA's addons: setup/<addon>/odoo/addons/<addon> is a
link to the addon's folder, and setuptools-odoo reads the manifest for the
name (odoo-addon-<addon>), the version, the summary, the licence, the authors
and the dependencies (odoo-addon-<addon> for an addon of this repository, Odoo
itself for Odoo's own addons, the Python packages of external_dependencies).
Only the addon's folder goes into its distribution: nothing of tools/,
benchmarks/ or devtools/.

setuptools-odoo's last release (3.3.2) knows the Odoo series up to 16.0: the
series 18.0 is registered here as 16.0 is (same naming, Python >= 3.10), with
Odoo 18.0 as the requirement. Odoo's own addons are those setuptools-odoo lists
for 16.0, which hold every addon of Odoo that ours depend on.
"""

import setuptools

SERIES = "18.0"


def register_series():
    try:
        from setuptools_odoo import core
    except ImportError:
        return  # the build's first pass, which only asks for setup_requires
    if SERIES not in core.ODOO_VERSION_INFO:
        core.ODOO_VERSION_INFO[SERIES] = dict(
            core.ODOO_VERSION_INFO["16.0"],
            odoo_dep="odoo>=18.0a,<18.1dev",
            pkg_version_specifier=">=18.0dev,<18.1dev",
        )


def setup_addon():
    """setuptools.setup() of the addon linked in the current folder."""
    register_series()
    setuptools.setup(setup_requires=["setuptools-odoo"], odoo_addon=True)
