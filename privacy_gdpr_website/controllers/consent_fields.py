from urllib.parse import urlsplit

from odoo import fields, http
from odoo.http import request

from ..models.privacy_web_consent import (
    MAX_FORM_NAME_LENGTH,
    MAX_PAGE_URL_LENGTH,
    MAX_TYPES,
    NAME_INPUT,
    PAGE_INPUT,
)

USER_AGENT_MAX = 512


def visitor_lang(lang):
    """The installed language of the page's ``lang`` attribute ("fr-FR"),
    else the request's."""
    code = isinstance(lang, str) and lang.replace("-", "_")
    if code and request.env["res.lang"]._lang_get(code):
        return code
    return request.lang.code


def visitor_country():
    """The visitor's country by their IP address (GeoIP), or None."""
    code = request.geoip.country_code
    country = code and request.env["res.country"].sudo().search(
        [("code", "=", code)], limit=1
    )
    return country or None


def web_proof(form, source, ours):
    """The proof of consents given on a form of the current website: the
    submission (date-time, IP address, user agent), the page and the form
    (``ours``: the inputs of the consent boxes), what the form showed
    (``form``) and the record it created (``source``)."""
    httprequest = request.httprequest
    # A header may carry NUL characters, which PostgreSQL does not store.
    user_agent = (httprequest.user_agent.string or "").replace("\x00", "")
    form_name = ours.get(NAME_INPUT)
    return {
        "date": fields.Datetime.now(),
        "ip": httprequest.remote_addr,
        "user_agent": user_agent[:USER_AGENT_MAX],
        "page_url": page_url(ours.get(PAGE_INPUT)),
        "form_name": (form_name if isinstance(form_name, str) else "")[
            :MAX_FORM_NAME_LENGTH
        ]
        or "?",
        "company": request.website.company_id,
        "lang": form["lang"],
        "notice": form["notice"],
        "text_shown": form["text_shown"],
        "source": source,
    }


def page_url(posted):
    """The page the form was on: the URL it posted when on this website's
    host (the browser said it), else the referrer; without its query string,
    which may hold a secret (an access token)."""
    host = request.httprequest.host
    for url in (posted, request.httprequest.referrer):
        parts = isinstance(url, str) and urlsplit(url)
        if parts and parts.netloc == host:
            return parts._replace(query="", fragment="").geturl()[:MAX_PAGE_URL_LENGTH]
    return False


class PrivacyWebConsentFields(http.Controller):
    @http.route(
        "/privacy/web/consent_fields",
        type="json",
        auth="public",
        website=True,
        sitemap=False,
    )
    def privacy_web_consent_fields(self, type_ids=None, model=None, lang=None, **kw):
        """The consent boxes of a website form asking ``type_ids`` for a record
        of ``model``: ``{"html": ...}``, empty when there is nothing to ask."""
        WebConsent = request.env["privacy.web.consent"]
        if (
            not isinstance(type_ids, list)
            or len(type_ids) > MAX_TYPES
            or not all(isinstance(type_id, int) for type_id in type_ids)
            or model not in WebConsent._form_models()
        ):
            return {"html": ""}
        html = WebConsent._render_fields(
            request.env["privacy.consent.type"].sudo().browse(type_ids),
            request.website.company_id,
            visitor_lang(lang),
            visitor_country(),
            hint=WebConsent._form_hint(model),
        )
        return {"html": html}
