# privacy_gdpr: set up, test, run and measure. See README.md.
VENV ?= $(or $(PRIVACY_GDPR_VENV),$(HOME)/.venvs/privacy_gdpr)
PYTHON := $(VENV)/bin/python
ODOO := $(PYTHON) -m odoo -c .odoo.conf
DEMO_DB ?= privacy_gdpr_demo
TEST_TAGS ?=
TEST_PHASE ?=
TEST_DB ?= privacy_gdpr_test
PYTEST_DB ?= privacy_gdpr_pytest
PYTEST_ARGS ?=

.PHONY: setup test test-migration pytest run lint bench-mailing bench-telephony bench-export bench-opposition soak bench-composer bench-retention bench-dossier bench-types bench-jobs

## Prepare this machine: virtualenv, Odoo 18.0, dependencies, PostgreSQL, .odoo.conf
setup:
	bash tools/setup.sh

## Run every test with Odoo's runner, in two phases on fresh databases: core (privacy_gdpr alone
## on $(TEST_DB)_core, no other app may come with it) and full (every addon on $(TEST_DB));
## ends with "N passed, N failed, N errors of N tests". TEST_TAGS=... runs the full phase only
## with those Odoo test tags; TEST_PHASE=core|full|all chooses the phases.
test:
	@test -x $(PYTHON) || { echo "tests: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) tools/run_tests.py --database $(TEST_DB) $(if $(TEST_TAGS),--tags $(TEST_TAGS)) $(if $(TEST_PHASE),--phase $(TEST_PHASE))

## Upgrade a database of the single-addon version (18.0.1, from this repository's history) with
## this checkout and check that nothing was lost; ends with "migration: OK"
MIGRATION_DB ?= privacy_gdpr_migration
test-migration:
	@test -x $(PYTHON) || { echo "migration: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) tools/test_migration.py --database $(MIGRATION_DB)

## The same tests under pytest-odoo, on a fresh database prepared as make test's full phase;
## ends with pytest's summary. PYTEST_ARGS="-x -k Consent" goes to pytest.
pytest:
	@test -x $(PYTHON) || { echo "pytest: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) tools/run_pytest.py --database $(PYTEST_DB) $(PYTEST_ARGS)

## Start Odoo on http://localhost:8069 with privacy_gdpr and its demo data (login admin / admin)
run:
	$(ODOO) -d $(DEMO_DB) -i privacy_gdpr --db-filter '^$(DEMO_DB)$$' --http-port 8069

## Lint the Odoo way: ruff and pylint-odoo through pre-commit
lint:
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

## Export 100,000 then 200,000 partners with their consents (BENCH_EXPORT_PARTNERS=1000000: a
## million), ours against Odoo's native export (at most BENCH_EXPORT_NATIVE_LIMIT partners, extrapolated)
BENCH_EXPORT_DB ?= privacy_gdpr_bench_export
BENCH_EXPORT_PARTNERS ?= 100000,200000
BENCH_EXPORT_NATIVE_LIMIT ?= 200000
bench-export:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_export.py --database $(BENCH_EXPORT_DB) --partners $(BENCH_EXPORT_PARTNERS) --native-limit $(BENCH_EXPORT_NATIVE_LIMIT) $(BENCH_ARGS)

## Benchmark the telephony API's check and batch check under load against the one-query ceiling and the stock lookup (needs wrk)
BENCH_TELEPHONY_DB ?= privacy_gdpr_bench_telephony
BENCH_TELEPHONY_PORT ?= 18271
bench-telephony:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_telephony.py --database $(BENCH_TELEPHONY_DB) --port $(BENCH_TELEPHONY_PORT) $(BENCH_ARGS)

## Time the changes of a consent type (create, validity, channels, archive) at 100,000 contacts
BENCH_TYPES_DB ?= privacy_gdpr_bench_types
BENCH_TYPES_PARTNERS ?= 100000
bench-types:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_types.py --database $(BENCH_TYPES_DB) --partners $(BENCH_TYPES_PARTNERS)

## Benchmark the consent filter of mass mailings (own database, 100,000 partners; BENCH_MAILING_PARTNERS=1000000 for a million)
BENCH_MAILING_PARTNERS ?= 100000
bench-mailing:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_mailing.py $(if $(BENCH_DB),--database $(BENCH_DB)) $(if $(REPEAT),--repeat $(REPEAT)) --partners $(BENCH_MAILING_PARTNERS)

## Time the daily expiry and renewal jobs against bare SQL updates (own database, 100,000 contacts;
## BENCH_JOBS_PARTNERS=1000000 for a million)
BENCH_JOBS_DB ?= privacy_gdpr_bench_jobs
BENCH_JOBS_PARTNERS ?= 100000
bench-jobs:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_jobs.py --database $(BENCH_JOBS_DB) --partners $(BENCH_JOBS_PARTNERS) $(if $(REPEAT),--repeat $(REPEAT))

## Benchmark the import of the Italian opposition register and the call check with it (own database, 100,000 partners)
BENCH_OPPOSITION_DB ?= privacy_gdpr_bench_opposition
bench-opposition:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_opposition.py --database $(BENCH_OPPOSITION_DB) $(if $(REPEAT),--repeat $(REPEAT))

## Benchmark the consent check of the composers' mass mode (own database, 10,000 contacts)
BENCH_COMPOSER_DB ?= privacy_gdpr_bench_composer
bench-composer:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_composer.py --database $(BENCH_COMPOSER_DB) $(if $(REPEAT),--repeat $(REPEAT))

## Benchmark the daily retention job (own database, 100,000 contacts; PARTNERS=1000000 for a million)
bench-retention:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_retention.py $(if $(BENCH_DB),--database $(BENCH_DB)) $(if $(PARTNERS),--partners $(PARTNERS))

## The privacy dossier (PDF and XLSX) of a person with 1,000 history and 1,000 log rows
BENCH_DOSSIER_DB ?= privacy_gdpr_bench_dossier
bench-dossier:
	@test -x $(PYTHON) || { echo "bench: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/bench_dossier.py --database $(BENCH_DOSSIER_DB) $(BENCH_ARGS)

## Soak Odoo in prefork mode (2 workers and cron): checks, logs and page answers for 2 minutes, every write accounted for
SOAK_DB ?= privacy_gdpr_soak
SOAK_SECONDS ?= 120
soak:
	@test -x $(PYTHON) || { echo "soak: ERROR: Odoo's Python $(PYTHON) is missing: run make setup."; exit 1; }
	$(PYTHON) benchmarks/soak.py --database $(SOAK_DB) --duration $(SOAK_SECONDS) $(SOAK_ARGS)
