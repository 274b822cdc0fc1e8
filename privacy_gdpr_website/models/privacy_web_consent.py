import re
import secrets

from odoo import api, models, tools

from odoo.addons.privacy_gdpr.exceptions import PrivacyWebInputError

FORM_SCOPE = "privacy_gdpr_website.consent_form"
# The inputs a form with consents posts: one box per consent type, unticked
# by default (``privacy_consent_<type id>``, whose value is the version of the
# type's texts it showed), the signed description of what the form showed, and
# where the form is.
BOX_RE = re.compile(r"privacy_consent_(\d+)")
FORM_INPUT = "privacy_consent_form"
PAGE_INPUT = "privacy_page_url"
NAME_INPUT = "privacy_form"
# Every input whose name starts so is ours: popped before the form's record
# is created, and refused when unknown.
OUR_PREFIX = "privacy_consent"
# Bounds of what a public form may post.
MAX_TYPES = 20
MAX_VALUE_LENGTH = 512
MAX_FORM_LENGTH = 16384
MAX_PAGE_URL_LENGTH = 2048
MAX_FORM_NAME_LENGTH = 128


class PrivacyWebConsent(models.AbstractModel):
    """Consents asked on the website: the boxes a form shows, each with the
    version of its consent type's texts in the visitor's language and the
    information GDPR requires (art. 13), and the answers read back from what
    the form posts.

    What the form showed is signed (HMAC with the database secret) into one
    hidden input: a page kept in a cache, or open while a text changed,
    records the version it showed, and a box whose value was altered, or that
    the form did not show, is refused with everything else the form posted.
    """

    _name = "privacy.web.consent"
    _description = "Privacy: consents asked on web forms"

    @api.model
    def _form_models(self):
        """The models a website form may create and that can hold consents."""
        models = (
            self.env["ir.model"].sudo().search([("website_form_access", "=", True)])
        )
        return [
            model.model
            for model in models
            if model.model in self.env
            and hasattr(self.env[model.model], "_privacy_record_web_consents")
        ]

    @api.model
    def _form_hint(self, model):
        """A sentence shown under the boxes of a form creating a ``model``
        record, or None."""
        return None

    @api.model
    def _texts_shown(self, consent_types):
        """``{consent type: the version of its texts shown now}`` (in the
        language of ``consent_types``' environment)."""
        consent_types._current_text()
        return {consent_type: consent_type.text_id for consent_type in consent_types}

    @api.model
    def _texts_of(self, consent_type, texts_id):
        """The version ``texts_id`` of the texts of ``consent_type`` (in the
        language of its environment), or None when it is not one of its
        versions."""
        texts = consent_type.env["privacy.consent.type.text"].browse(texts_id).exists()
        return texts if texts.type_id == consent_type else None

    @api.model
    def _askable_types(self, consent_types, company):
        """Those of ``consent_types`` a form of ``company`` may ask: active,
        shared or the company's."""
        return (
            consent_types.sudo()
            .exists()
            .filtered(
                lambda consent_type: (
                    consent_type.active
                    and consent_type.company_id in (company, company.browse())
                )
            )[:MAX_TYPES]
        )

    @api.model
    def _item_text(self, texts, labels, channel_labels):
        Request = self.env["privacy.consent.request"]
        return Request._consent_text(texts, labels, channel_labels, texts.double_optin)

    @api.model
    def _form_fields(self, consent_types, company, lang, country=None):
        """What a form of ``company`` shows to ask ``consent_types``, in
        ``lang``, with the information for a visitor of ``country``.

        :return: ``{"items": [{"type", "texts", "text", "channels",
            "input_name", "value"}], "notice", "labels", "token"}``; no items
            when none of the types can be asked
        """
        company = company.sudo().with_context(lang=lang)
        consent_types = self._askable_types(consent_types, company).with_context(
            lang=lang
        )
        Request = self.env["privacy.consent.request"].with_context(lang=lang)
        labels = Request._page_labels(company)
        channel_labels = Request._channel_labels()
        items = []
        for consent_type, texts in self._texts_shown(consent_types).items():
            channels, text = self._item_text(texts, labels, channel_labels)
            items.append(
                {
                    "type": consent_type,
                    "texts": texts,
                    "text": text,
                    "channels": channels,
                    "input_name": f"privacy_consent_{consent_type.id}",
                    "value": str(texts.id),
                }
            )
        notice = company._privacy_notice(
            country, [item["texts"].name for item in items]
        )
        token = tools.hash_sign(
            self.env(su=True),
            FORM_SCOPE,
            {
                "company": company.id,
                "lang": lang,
                "notice": notice["text"],
                "texts": [[item["type"].id, item["texts"].id] for item in items],
            },
        )
        return {"items": items, "notice": notice, "labels": labels, "token": token}

    @api.model
    def _render_fields(self, consent_types, company, lang, country=None, hint=None):
        """The HTML of the consent boxes of a form (empty when there is none to
        ask): one unticked box per type, the information, the signed input."""
        fields = self._form_fields(consent_types, company, lang, country)
        if not fields["items"]:
            return ""
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "privacy_gdpr_website.consent_fields",
                # Ids unique on the page, which may hold several forms.
                dict(fields, hint=hint, uid=secrets.token_hex(4)),
            )
        )

    @api.model
    def _pop_params(self, params):
        """Remove the inputs of the consent boxes from ``params`` (a dict the
        form posted), so that they never reach the record the form creates.

        :return: the inputs removed
        """
        return {
            name: params.pop(name)
            for name in list(params)
            if name.startswith(OUR_PREFIX) or name in (PAGE_INPUT, NAME_INPUT)
        }

    @api.model
    def _answers(self, ours, company):
        """The boxes ticked on a form of ``company``, from its inputs ``ours``
        (see :meth:`_pop_params`).

        :return: ``(answers, form)``: one answer per ticked box of an active
            type (``type``, ``texts``, ``text``, ``optin``), and what the
            form showed (``lang``, ``notice``, ``text_shown``); ``([], None)``
            when no box was ticked and the form showed none
        :raise PrivacyWebInputError: when the inputs are not those the form
            showed, naming them; nothing must then be recorded nor created
        """
        boxes, unknown = {}, []
        for name, value in ours.items():
            match = BOX_RE.fullmatch(name)
            if match:
                boxes[int(match.group(1))] = (name, value)
            elif name not in (FORM_INPUT, PAGE_INPUT, NAME_INPUT):
                unknown.append(name)
        if unknown:
            self._refuse(unknown)
        if not boxes and FORM_INPUT not in ours:
            return [], None
        form = self._verify_form(ours.get(FORM_INPUT), company)
        if form is None:
            self._refuse([FORM_INPUT, *(name for name, _value in boxes.values())])
        shown = dict(form["texts"])
        bad = [
            name
            for type_id, (name, value) in boxes.items()
            if type_id not in shown
            or not isinstance(value, str)
            or value != str(shown[type_id])
        ]
        if bad or len(boxes) > MAX_TYPES:
            self._refuse(bad or [name for name, _value in boxes.values()])
        return self._read_form(form, boxes, company)

    @api.model
    def _verify_form(self, token, company):
        """The values signed in ``token`` for a form of ``company``, or None."""
        if not isinstance(token, str) or not token or len(token) > MAX_FORM_LENGTH:
            return None
        try:
            form = tools.verify_hash_signed(self.env(su=True), FORM_SCOPE, token)
        except ValueError:  # not base64, unknown version, not JSON
            return None
        if (
            not isinstance(form, dict)
            or form.get("company") != company.id
            or not isinstance(form.get("lang"), str)
            or not isinstance(form.get("notice"), str)
            or not isinstance(form.get("texts"), list)
            or not all(
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(value, int) for value in pair)
                for pair in form["texts"]
            )
            or not self.env["res.lang"]._lang_get(form["lang"])
        ):
            return None
        return form

    @api.model
    def _read_form(self, form, boxes, company):
        """What the verified ``form`` showed, and the answers of its ticked
        ``boxes``, in the language the form was shown in."""
        lang = form["lang"]
        Type = self.env["privacy.consent.type"].sudo().with_context(lang=lang)
        Request = self.env["privacy.consent.request"].with_context(lang=lang)
        labels = Request._page_labels(company.sudo().with_context(lang=lang))
        channel_labels = Request._channel_labels()
        texts_shown, answers = [], []
        for type_id, texts_id in form["texts"]:
            consent_type = Type.browse(type_id).exists()
            texts = consent_type and self._texts_of(consent_type, texts_id)
            if not texts:
                continue
            text = self._item_text(texts, labels, channel_labels)[1]
            texts_shown.append(text)
            if type_id in boxes and consent_type.active:
                answers.append(
                    {
                        "type": consent_type,
                        "texts": texts,
                        "text": text,
                        "optin": texts.double_optin,
                    }
                )
        return answers, {
            "lang": lang,
            "notice": form["notice"],
            "text_shown": "\n\n".join([*texts_shown, form["notice"]]),
        }

    @api.model
    def _refuse(self, names):
        raise PrivacyWebInputError(
            self.env._(
                "The consent boxes of this form were altered: nothing was sent. "
                "Please reload the page and try again."
            ),
            names,
        )
