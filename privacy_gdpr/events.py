"""The events that record answers, and the proof each one carries.

Proof (when, IP address, user agent, text, link, reference, import file and
row) is written only by the code that records an answer, from an event built in
Python: :class:`PrivacyEvent`. Callers put it in the context under
``EVENT_KEY`` for the one write it records (``consents._privacy_record(event,
values)``). A context received over RPC holds only JSON (or XML-RPC) values and
server actions cannot import this module, so a ``PrivacyEvent`` in the context
can only come from server code: anything else under these keys is a forgery and
is refused, not ignored.
"""

import contextvars
import dataclasses
import hashlib
from contextlib import contextmanager
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError

EVENT_KEY = "privacy_event"
IMPORT_KEY = "privacy_import_source"
# The key of an imported row's values that says which data row it came from.
IMPORT_ROW_KEY = "__privacy_import_row"

# What recorded a change of a consent (the history's "source").
SOURCES = [
    ("page", "Preference page"),
    ("double_optin", "Double opt-in confirmation"),
    ("staff", "Entered by staff"),
    ("import", "Import"),
    ("unsubscribe", "Unsubscribe link"),
    ("blocklist", "Blocklist"),
    ("reset", "Reset by a new request"),
    ("expiry", "Expiry"),
    ("merge", "Contact merge"),
    ("web_form", "Web form"),
    ("suppression", "Suppression list"),
]
USER_AGENT_MAX = 512


@dataclasses.dataclass(frozen=True, eq=False)
class PrivacyEvent:
    """An event that records answers, with its own proof.

    Compared by identity (``eq=False``): two events are never the same proof.
    """

    source: str
    # How the answer arrived (the consent's "obtained by"), when the event says.
    method: str | None = None
    date: datetime = dataclasses.field(default_factory=fields.Datetime.now)
    ip: str | None = None
    user_agent: str | None = None
    text: str | None = None
    # The path of the link used, its secret replaced by a digest.
    link: str | None = None
    request_id: int | None = None
    note: str | None = None
    reference: str | None = None
    document: bytes | None = None
    document_name: str | None = None
    import_file: str | None = None
    import_row: int | None = None
    type_text_id: int | None = None
    # Values of history fields added by bridges, e.g. (("mailing_id", 7),).
    extra: tuple = ()

    def replace(self, **values):
        return dataclasses.replace(self, **values)

    def proof_values(self):
        """The proof fields of a consent or a history row as this event sets
        them: what it does not carry is empty, never kept from another event."""
        return {
            "proof_date": self.date,
            "proof_ip": self.ip or False,
            "proof_user_agent": self.user_agent or False,
            "proof_text": self.text or False,
            "proof_link": self.link or False,
            "proof_reference": self.reference or False,
            "proof_document": self.document or False,
            "proof_document_name": self.document_name or False,
            "import_file": self.import_file or False,
            "import_row": self.import_row or False,
        }


@dataclasses.dataclass(frozen=True, eq=False)
class ImportSource:
    """The file being imported, and the number of its first data row."""

    file_name: str | None
    first_row: int = 1


def recording_event(env):
    """The event recording the current write, or None; a forged one raises."""
    return _trusted(env, EVENT_KEY, PrivacyEvent)


def import_source(env):
    """The import in progress, or None; a forged one raises."""
    return _trusted(env, IMPORT_KEY, ImportSource)


def _trusted(env, key, kind):
    value = env.context.get(key)
    if value is not None and type(value) is not kind:
        raise AccessError(
            env._(
                "Proof is recorded by the event that produced it; it cannot be "
                "given by the caller."
            )
        )
    return value


def redact(path, secret):
    """``path`` with its segment ``secret`` replaced by a short digest: a
    stored link must not let whoever reads it answer in the person's name."""
    if not secret:
        return path
    digest = f"sha256:{hashlib.sha256(secret.encode()).hexdigest()[:12]}"
    return "/".join(digest if part == secret else part for part in path.split("/"))


def request_event(httprequest, source, method=None, secret=None, **values):
    """An event from the HTTP request ``httprequest`` (werkzeug's): its IP
    address, user agent and path (``secret`` redacted)."""
    # A header may carry NUL characters, which PostgreSQL does not store.
    user_agent = (httprequest.user_agent.string or "").replace("\x00", "")
    return PrivacyEvent(
        source,
        method=method,
        ip=httprequest.remote_addr,
        user_agent=user_agent[:USER_AGENT_MAX],
        link=redact(httprequest.path, secret),
        **values,
    )


# Events of Odoo's own controllers (unsubscribe pages), which call models that
# withdraw consents without knowing of us: the bridges' controllers set it for
# the duration of the call.
_HTTP_EVENT = contextvars.ContextVar("privacy_http_event", default=None)


@contextmanager
def http_event(event):
    """Record the answers of the block with ``event``'s proof."""
    token = _HTTP_EVENT.set(event)
    try:
        yield event
    finally:
        _HTTP_EVENT.reset(token)


def current_http_event():
    """The event set by :func:`http_event` around the current call, or None."""
    return _HTTP_EVENT.get()
