import json

from odoo import http
from odoo.http import request


class BenchCeiling(http.Controller):
    """The ceiling of an Odoo endpoint that answers from the database: the
    check's JSON parsed, then one indexed SELECT on the stored E.164 numbers
    through Odoo's cursor; no authentication, rules, parsing of the number nor
    consent."""

    @http.route(
        "/privacy_gdpr_bench/lookup",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def lookup(self):
        number = json.loads(request.httprequest.get_data())["phone"]
        request.env.cr.execute(
            """
            SELECT id FROM res_partner
             WHERE privacy_phone_e164 = %(number)s
                OR privacy_mobile_e164 = %(number)s
             LIMIT 51
            """,
            {"number": number},
        )
        ids = [row[0] for row in request.env.cr.fetchall()]
        return request.make_json_response({"phone": number, "ids": ids})
