import functools
import json
import logging
import re

import psycopg2

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..exceptions import PrivacyApiError

_logger = logging.getLogger(__name__)

API_PREFIX = "/privacy_gdpr/api/v1"
# Room for a batch of MAX_BATCH e-mail addresses of the longest length.
MAX_BODY_SIZE = 512 * 1024
BEARER_RE = re.compile(r"^bearer\s+(\S+)\s*$", re.IGNORECASE)


def _error(status, code, message, field=None, headers=None, **details):
    error = {"code": code, "message": message, **details}
    if field:
        error["field"] = field
    return request.make_json_response({"error": error}, headers=headers, status=status)


def _authenticate():
    """Switch the request to the user of the bearer API key, or say why not."""
    match = BEARER_RE.match(request.httprequest.headers.get("Authorization", ""))
    credentials = match and request.env["res.users.apikeys"]._privacy_api_user(
        match.group(1)
    )
    if not credentials:
        return _error(
            401,
            "unauthorized",
            request.env._("Give a valid API key as 'Authorization: Bearer <key>'."),
            headers=[("WWW-Authenticate", "Bearer")],
        )
    user_id, company_id = credentials
    request.update_env(user=user_id)
    # The context of a session of the user (language, time zone: Odoo's cache)
    # with its companies, current one first.
    user = request.env.user
    context = dict(user.context_get())
    context["allowed_company_ids"] = [company_id] + [
        company for company in user._get_company_ids() if company != company_id
    ]
    # No time zone means UTC (Odoo runs in UTC); saying so spares reading it.
    context["tz"] = context.get("tz") or "UTC"
    request.update_context(**context)
    return None


def _read_body():
    """The JSON object sent, or the error response that refuses the body."""
    httprequest = request.httprequest
    if httprequest.mimetype != "application/json":
        return None, _error(
            415,
            "unsupported_media_type",
            request.env._("Send JSON (Content-Type: application/json)."),
        )
    # A body sent without Content-Length (chunked) is only bounded by Odoo's
    # upload limit while read.
    if (httprequest.content_length or 0) > MAX_BODY_SIZE or len(
        body := httprequest.get_data()
    ) > MAX_BODY_SIZE:
        return None, _error(
            413,
            "payload_too_large",
            request.env._("The body is limited to %(size)s bytes.", size=MAX_BODY_SIZE),
        )
    try:
        payload = json.loads(body)
    # RecursionError: nested deeper than Python parses ("[[[[...").
    except (ValueError, RecursionError):
        return None, _error(
            400, "invalid_json", request.env._("The body is not valid JSON.")
        )
    if not isinstance(payload, dict):
        return None, _error(
            400, "invalid_json", request.env._("The body must be a JSON object.")
        )
    return payload, None


def telephony_api(endpoint):
    """Serve ``endpoint(self, payload)`` as a JSON endpoint authenticated by API
    key, ``payload`` being the JSON object posted.

    The one place that turns HTTP into a call of the service and back: method,
    API key, group, content type, size, JSON, then the endpoint. Every refusal is
    a JSON error and rolls back whatever was done.
    """

    @functools.wraps(endpoint)
    def wrapper(self, **_query):
        if request.httprequest.method != "POST":
            return _error(
                405,
                "method_not_allowed",
                request.env._("Use POST."),
                headers=[("Allow", "POST")],
            )
        refused = _authenticate()
        if refused:
            return refused
        try:
            request.env["privacy.telephony"]._check_api_access()
            payload, refused = _read_body()
            if refused:
                return refused
            return request.make_json_response(endpoint(self, payload))
        except PrivacyApiError as error:
            request.env.cr.rollback()
            return _error(error.status, **error.error_data())
        except AccessError as error:
            request.env.cr.rollback()
            return _error(403, "forbidden", error.args[0])
        except UserError as error:
            request.env.cr.rollback()
            return _error(400, "invalid_request", error.args[0])
        except psycopg2.Error:
            raise  # Odoo retries concurrency errors in a new transaction
        except Exception:
            request.env.cr.rollback()
            _logger.exception("Telephony API: %s failed", endpoint.__name__)
            return _error(500, "internal_error", request.env._("Internal error."))

    # The route must see the wrapper's own signature, which takes any query or
    # form parameter, not the endpoint's (Odoo would log each one it drops).
    del wrapper.__wrapped__
    return wrapper


def api_route(operation, readonly):
    """The route of ``operation``: JSON over HTTP, authenticated by API key
    (see :func:`telephony_api`), without session or CSRF token."""
    return http.route(
        f"{API_PREFIX}/{operation}",
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
        readonly=readonly,
    )


class TelephonyApi(http.Controller):
    """Telephony API: see docs/telephony-api.md."""

    @api_route("check", readonly=True)
    @telephony_api
    def check_contact(self, payload):
        return request.env["privacy.telephony"]._call("check_contact", payload)

    @api_route("log", readonly=False)
    @telephony_api
    def log_contact(self, payload):
        return request.env["privacy.telephony"]._call("log_contact", payload)
