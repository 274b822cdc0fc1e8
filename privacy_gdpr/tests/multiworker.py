"""Odoo in prefork mode (2 HTTP workers and a cron worker) serving a database
whose data is committed, driven over HTTP by threads.

Shared by the concurrency tests (test_concurrency.py) and the soak
(benchmarks/soak.py). A test runs in a transaction that is never committed,
while concurrency is about what several connections see: the data made here is
committed through cursors of its own and removed afterwards.
"""

import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import phonenumbers
import requests
from lxml import html

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

# The prefork server comes from the checkout's devtools (its root on
# PYTHONPATH, as `make test` and `make pytest` run the tests). Where it is
# missing (an addon installed from its wheel), the tests that start a server
# fail with this message; the other tests of the addon import and run.
try:
    from devtools import OdooServer
except ImportError as devtools_error:
    DEVTOOLS_MISSING = (
        "privacy_gdpr's multi-worker tests need the package devtools of the "
        "repository's checkout: run them with `make test` or `make pytest`, or "
        f"put the checkout's root on PYTHONPATH ({devtools_error})"
    )

    class OdooServer:
        """Stands for devtools.OdooServer, which could not be imported."""

        def __init__(self, *args, **kwargs):
            raise ImportError(DEVTOOLS_MISSING)


# Generous: a 2-core machine shared with other jobs.
START_TIMEOUT = 240
REQUEST_TIMEOUT = 120
# Odoo logs at ERROR the statement a concurrent transaction made fail, then
# retries the transaction (RETRY_RE): not a problem unless the retries run out.
CONCURRENCY_RE = re.compile(
    r"bad query: .*\nERROR: +(could not serialize access|deadlock detected"
    r"|could not obtain lock)",
    re.S,
)
RETRY_RE = re.compile(r"(\w+), \d+ tries left, try again")
EXPIRY_CRON = "privacy_gdpr.ir_cron_privacy_consent_expiry"
USER_AGENT = "privacy-gdpr-multiworker"


class PreforkServer(OdooServer):
    """``odoo --workers 2 --max-cron-threads 1`` serving ``database`` only, on
    a free port of the loopback, logging to ``log_path``, with the
    configuration file of the tests; each worker warmed up."""

    def __init__(self, database, log_path, workers=2):
        super().__init__(
            database,
            log_path,
            workers=workers,
            cron_threads=1,
            conf=config.rcfile,
            start_timeout=START_TIMEOUT,
        )

    def start(self):
        super().start()
        # Each worker loads the registry before its first request: warm both.
        threads = [
            threading.Thread(target=self._warm_up) for _i in range(self.workers * 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self

    def _warm_up(self):
        requests.get(f"{self.url}/web/login", timeout=REQUEST_TIMEOUT)

    def problems(self, offset=0):
        """The records logged at ERROR or CRITICAL since ``offset``, but the
        statements failed by concurrency that Odoo retries."""
        return [
            text
            for level, text in self.records(offset)
            if level in ("ERROR", "CRITICAL") and not CONCURRENCY_RE.search(text)
        ]

    def concurrency_failures(self, offset=0):
        """Statements failed by a concurrent transaction since ``offset``."""
        return sum(
            1 for _level, text in self.records(offset) if CONCURRENCY_RE.search(text)
        )

    def retries(self, offset=0):
        """The transactions Odoo retried after a concurrency error since ``offset``."""
        return len(RETRY_RE.findall(self.log_since(offset)))


# ------------------------------------------------------------
# Committed data
# ------------------------------------------------------------


def committed_cursor(database):
    """A cursor of its own on ``database``, whatever the test transaction.

    From any thread: ``Registry(database)`` would wait for the registries' lock,
    which the test runner holds while the tests run; the registry loaded by the
    first call (in the main thread) is used directly, with a transaction of its
    own so that environments need not look it up either.
    """
    registry = Registry.registries.get(database) or Registry(database)
    cr = registry.cursor()
    cr.transaction = api.Transaction(registry)
    return cr


def admin_env(cr):
    return api.Environment(
        cr,
        SUPERUSER_ID,
        {"lang": "en_US", "tracking_disable": True, "mail_create_nolog": True},
    )


@dataclass
class Fixture:
    """What a run made and committed, to use and then to remove."""

    tag: str
    partner_ids: list
    phones: dict  # partner id -> phone number
    paths: dict  # partner id -> path of its consent request link
    type_ids: list  # consent types answered on the page (no double opt-in)
    api_key: str
    user_ids: list
    staff_logins: list = field(default_factory=list)


def french_mobile(rng):
    while True:
        number = f"+33 6 {rng.randrange(10**8):08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def make_fixture(database, tag, partners=20, staff=0):
    """Partners with a French mobile number and a consent request link each, a
    Privacy User with an API key, and ``staff`` Privacy Users who log in with
    their login as password; committed."""
    rng = random.Random(tag)
    remove_leftovers(database, tag)
    with committed_cursor(database) as cr:
        env = admin_env(cr)
        france = env.ref("base.fr")
        phones = {}
        records = env["res.partner"].create(
            [
                {
                    "name": f"Multiworker {tag} {index}",
                    "email": f"multiworker-{tag}-{index}@example.com",
                    "phone": french_mobile(rng),
                    "country_id": france.id,
                    "lang": "en_US",
                }
                for index in range(partners)
            ]
        )
        for partner in records:
            phones[partner.id] = partner.phone
        env["privacy.partner.consent"]._create_placeholders(partners=records)
        # Links without e-mails: nothing is left to send after the run.
        consent_requests = env["privacy.consent.request"]._create_for_partners(
            records, "request"
        )
        paths = {
            consent_request.partner_id.id: urlparse(consent_request._get_url()).path
            for consent_request in consent_requests
        }
        # Staff edit contacts (Contact Creation) to record their consents.
        groups = env.ref("privacy_gdpr.group_privacy_user") | env.ref(
            "base.group_partner_manager"
        )
        users = env["res.users"].create(
            [
                {
                    "name": f"Multiworker {tag} {login}",
                    "login": f"mw-{tag}-{login}",
                    "password": f"mw-{tag}-{login}",
                    "groups_id": [(6, 0, groups.ids)],
                }
                for login in ["api"] + [f"staff{index}" for index in range(staff)]
            ]
        )
        key = (
            env["res.users.apikeys"]
            .with_user(users[0])
            .sudo()
            ._generate(None, "multiworker", None)
        )
        types = env["privacy.consent.type"].search(
            [
                ("company_id", "in", [False, env.company.id]),
                ("double_optin", "=", False),
            ]
        )
        return Fixture(
            tag=tag,
            partner_ids=records.ids,
            phones=phones,
            paths=paths,
            type_ids=types.ids,
            api_key=key,
            user_ids=users.ids,
            staff_logins=users[1:].mapped("login"),
        )


def remove_fixture(database, fixture):
    """Remove what ``fixture`` committed: its partners (their consents, history,
    requests and contact logs go with them) and its users."""
    with committed_cursor(database) as cr:
        env = admin_env(cr)
        cr.execute(
            "DELETE FROM privacy_contact_log WHERE partner_id = ANY(%s)",
            [fixture.partner_ids],
        )
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'res.partner' AND res_id = ANY(%s)",
            [fixture.partner_ids],
        )
        cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [fixture.partner_ids])
        users = env["res.users"].browse(fixture.user_ids).exists()
        cr.execute("DELETE FROM res_users_apikeys WHERE user_id = ANY(%s)", [users.ids])
        user_partners = users.partner_id
        try:
            with cr.savepoint():
                users.unlink()
                user_partners.unlink()
        except Exception:
            users.write({"active": False})


def remove_leftovers(database, tag):
    """Remove what an interrupted run with ``tag`` left."""
    with committed_cursor(database) as cr:
        env = admin_env(cr)
        env = env(context=dict(env.context, active_test=False))
        partners = env["res.partner"].search(
            [("name", "=like", f"Multiworker {tag} %"), ("user_ids", "=", False)]
        )
        users = env["res.users"].search([("login", "=like", f"mw-{tag}-%")])
    if partners or users:
        remove_fixture(
            database,
            Fixture(tag, partners.ids, {}, {}, [], "", users.ids),
        )


def trigger_expiry_cron(database):
    """Ask the cron worker to run the expiry scheduled action now."""
    with committed_cursor(database) as cr:
        admin_env(cr).ref(EXPIRY_CRON)._trigger()


# ------------------------------------------------------------
# Clients
# ------------------------------------------------------------


def new_session():
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def open_page(session, url):
    """GET the preference page: ``(status, form)``, ``form`` being None when
    the page has none, else ``{"action", "data" (hidden inputs), "inputs"
    ({consent type id: input name}), "states" ({consent type id: current
    choice})}``."""
    response = session.get(url, timeout=REQUEST_TIMEOUT)
    forms = html.fromstring(response.content).xpath(
        '//form[@id="o_privacy_consent_form"]'
    )
    if response.status_code != 200 or not forms:
        return response.status_code, None
    form = forms[0]
    states = {}
    for fieldset in form.xpath(".//fieldset"):
        name = fieldset.xpath(".//input[@type='radio']/@name")[0]
        current = fieldset.xpath(".//*[hasclass('o_privacy_current')]/strong")
        states[int(name.split("_")[1])] = current[0].text_content().strip()
    return 200, {
        "action": form.get("action"),
        "data": {
            item.get("name"): item.get("value")
            for item in form.xpath(".//input[@type='hidden']")
        },
        "states": states,
    }


def flip(state_label):
    """The answer that changes a consent whatever it is now."""
    return "refused" if state_label == "Given" else "given"


def submit(session, base_url, form, answers):
    """POST ``answers`` ({consent type id: "given" | "refused"}) with the hidden
    inputs of ``form``: ``(status, outcome)`` with outcome "recorded",
    "stale" (already answered: the page shown again), or "other"."""
    data = dict(form["data"])
    data.update({f"consent_{type_id}": value for type_id, value in answers.items()})
    response = session.post(
        base_url + form["action"], data=data, timeout=REQUEST_TIMEOUT
    )
    if response.status_code == 200 and "o_privacy_consent_done" in response.text:
        return response.status_code, "recorded"
    if response.status_code == 409 and "o_privacy_error" in response.text:
        return response.status_code, "stale"
    return response.status_code, "other"


def api_call(session, base_url, key, endpoint, payload):
    response = session.post(
        f"{base_url}/privacy_gdpr/api/v1/{endpoint}",
        json=payload,
        headers={"Authorization": f"Bearer {key}"},
        timeout=REQUEST_TIMEOUT,
    )
    return response.status_code, (
        response.json()
        if response.headers.get("Content-Type", "").startswith("application/json")
        else None
    )


def json_rpc(session, base_url, path, params):
    response = session.post(
        base_url + path,
        json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    return response.json()


def staff_session(base_url, database, login):
    session = new_session()
    result = json_rpc(
        session,
        base_url,
        "/web/session/authenticate",
        {"db": database, "login": login, "password": login},
    )
    if "error" in result:
        raise RuntimeError(f"cannot log in as {login}: {result['error']}")
    return session


def run_together(*calls):
    """Run the ``calls`` (functions without argument) in threads released at
    the same moment; their results (or the exception raised), in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# ------------------------------------------------------------
# The soak: contact checks, contact logs and page submissions together
# ------------------------------------------------------------


@dataclass
class SoakResult:
    clients: int = 0
    duration: float = 0.0
    requests: int = 0
    checks: int = 0
    logs_accepted: int = 0
    submissions_recorded: int = 0
    submissions_stale: int = 0
    changes: int = 0
    cron_triggers: int = 0
    errors: list = field(default_factory=list)
    log_ids: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts):
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def error(self, message):
        with self.lock:
            self.errors.append(message)


class Soak:
    """Threads hitting one prefork server for ``duration`` seconds:
    ``checkers`` asking the telephony check, ``loggers`` logging calls,
    ``submitters`` answering random partners' preference pages (several may
    answer the same partner at once: the later ones must be refused as stale),
    while the expiry scheduled action is triggered every ``cron_every``
    seconds."""

    def __init__(
        self,
        server,
        fixture,
        duration,
        checkers=2,
        loggers=2,
        submitters=3,
        cron_every=5,
    ):
        self.server = server
        self.fixture = fixture
        self.duration = duration
        self.roles = [self._check] * checkers + [self._log] * loggers
        self.roles += [self._submit] * submitters
        self.cron_every = cron_every
        self.result = SoakResult(clients=len(self.roles))
        self.deadline = None

    def run(self):
        started = time.time()
        self.deadline = started + self.duration
        threads = [
            threading.Thread(target=self._loop, args=(role, index))
            for index, role in enumerate(self.roles)
        ]
        threads.append(threading.Thread(target=self._cron))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.result.duration = time.time() - started
        return self.result

    def _loop(self, role, index):
        rng = random.Random(f"{self.fixture.tag}-{index}")
        session = new_session()
        counter = 0
        while time.time() < self.deadline:
            counter += 1
            try:
                role(session, rng, f"{index}-{counter}")
            except Exception as error:
                self.result.error(f"{role.__name__}: {error!r}")

    def _cron(self):
        while time.time() + self.cron_every < self.deadline:
            time.sleep(self.cron_every)
            trigger_expiry_cron(self.server.database)
            self.result.add(cron_triggers=1)

    def _check(self, session, rng, _ref):
        partner_id = rng.choice(self.fixture.partner_ids)
        status, body = api_call(
            session,
            self.server.url,
            self.fixture.api_key,
            "check",
            {"channel": "call", "phone": self.fixture.phones[partner_id]},
        )
        self.result.add(requests=1)
        if status != 200 or [p["id"] for p in body["partners"]] != [partner_id]:
            self.result.error(f"check {partner_id}: {status} {body}")
            return
        self.result.add(checks=1)

    def _log(self, session, rng, ref):
        partner_id = rng.choice(self.fixture.partner_ids)
        status, body = api_call(
            session,
            self.server.url,
            self.fixture.api_key,
            "log",
            {
                "reason": "CONTRACT",
                "channel": "call",
                "partner_id": partner_id,
                "call_reference": f"mw-{self.fixture.tag}-{ref}",
            },
        )
        self.result.add(requests=1)
        if status != 200 or not body.get("log_id"):
            self.result.error(f"log {partner_id}: {status} {body}")
            return
        with self.result.lock:
            self.result.logs_accepted += 1
            self.result.log_ids.add(body["log_id"])

    def _submit(self, session, rng, _ref):
        # Few partners for several submitters: pages of one partner overlap.
        partner_id = rng.choice(self.fixture.partner_ids[:5])
        status, form = open_page(
            session, self.server.url + self.fixture.paths[partner_id]
        )
        self.result.add(requests=1)
        if not form:
            self.result.error(f"page {partner_id}: {status}")
            return
        type_ids = rng.sample(self.fixture.type_ids, min(2, len(self.fixture.type_ids)))
        answers = {type_id: flip(form["states"][type_id]) for type_id in type_ids}
        status, outcome = submit(session, self.server.url, form, answers)
        self.result.add(requests=1)
        if outcome == "recorded":
            self.result.add(submissions_recorded=1, changes=len(answers))
        elif outcome == "stale":
            self.result.add(submissions_stale=1)
        else:
            self.result.error(f"submit {partner_id}: {status}")


def verify_soak(database, fixture, result):
    """Every write accounted for: ``(figures, problems)``."""
    problems = []
    with committed_cursor(database) as cr:
        cr.execute(
            "SELECT id FROM privacy_contact_log WHERE partner_id = ANY(%s)",
            [fixture.partner_ids],
        )
        log_ids = {row[0] for row in cr.fetchall()}
        if log_ids != result.log_ids or len(log_ids) != result.logs_accepted:
            problems.append(
                f"contact log rows {len(log_ids)} != accepted logs "
                f"{result.logs_accepted}"
            )
        problems += history_problems(cr, fixture.partner_ids)
        cr.execute(
            """SELECT count(*) FROM privacy_consent_history
                WHERE partner_id = ANY(%s) AND request_id IS NOT NULL""",
            [fixture.partner_ids],
        )
        history_rows = cr.fetchone()[0]
        if history_rows != result.changes:
            problems.append(
                f"history rows {history_rows} != changes of the accepted "
                f"submissions {result.changes}"
            )
    return {"log_rows": len(log_ids), "history_rows": history_rows}, problems


def history_problems(cr, partner_ids):
    """Where the history of the partners' consents is not one unbroken chain
    ending at the current state: a lost or a mixed write."""
    cr.execute(
        """
        SELECT c.id, c.state, array_agg(h.old_state ORDER BY h.id),
               array_agg(h.new_state ORDER BY h.id)
          FROM privacy_partner_consent c
          JOIN privacy_consent_history h ON h.consent_id = c.id
         WHERE c.partner_id = ANY(%s)
         GROUP BY c.id, c.state
        """,
        [partner_ids],
    )
    problems = []
    for consent_id, state, olds, news in cr.fetchall():
        expected = ["none", *news[:-1]]
        if olds != expected or news[-1] != state:
            problems.append(
                f"consent {consent_id}: history {list(zip(olds, news))} "
                f"ends at {news[-1]}, state {state}"
            )
    return problems
