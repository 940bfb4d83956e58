"""The one clock of the party addons: what "today" is.

A branch judges its periods (quarters, years, campaigns) by the calendar of its own country, not by the server's
UTC: a claim dated 7 December is not "in the future" at 04:00 in Shanghai although it is still 6 December in UTC,
and the year-end job that runs at 00:30 on 1 January in Shanghai (16:30 UTC on 31 December) closes the year just
ended.

"Today" is the date in the timezone of, in this order:

1. the context (``tz``), as Odoo's own :func:`fields.Date.context_today` does;
2. the user, when the user is a person (not the system user that runs the scheduled actions);
3. the company of the record (its partner's timezone);
4. :data:`DEFAULT_TZ` (Asia/Shanghai): the country whose party the addons serve.

Scheduled actions and other system work therefore use the company's timezone, and a person's screens use theirs.
"""
from datetime import datetime

import pytz

from odoo import SUPERUSER_ID, fields

DEFAULT_TZ = "Asia/Shanghai"


def valid_tz(name):
    """``name`` when it is a timezone pytz knows, else None."""
    if not name:
        return None
    try:
        pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return None
    return name


def party_tz(record):
    """Name of the timezone that decides "today" for ``record`` (any recordset, or an environment)."""
    env = getattr(record, "env", record)
    tz = valid_tz(env.context.get("tz"))
    if tz:
        return tz
    user = env.user
    if user.id != SUPERUSER_ID and not user._is_public():
        tz = valid_tz(user.sudo().tz)
        if tz:
            return tz
    company = getattr(record, "company_id", None) if hasattr(record, "_fields") and "company_id" in record._fields \
        else None
    company = company[:1] if company else env.company
    tz = valid_tz(company.sudo().partner_id.tz) if company else None
    return tz or DEFAULT_TZ


def party_now(record):
    """The current date and time in :func:`party_tz` (a naive local datetime)."""
    utc_now = fields.Datetime.now()
    return pytz.utc.localize(utc_now).astimezone(pytz.timezone(party_tz(record))).replace(tzinfo=None)


def party_today(record, *_args):
    """Today's date for ``record`` (see the module's docstring). Usable as a field default:
    ``fields.Date(default=party_today)``."""
    return party_now(record).date()


def local_date(record, value):
    """The local date (in :func:`party_tz`) of the UTC datetime ``value`` (a stored Datetime)."""
    if not value:
        return None
    if not isinstance(value, datetime):
        value = fields.Datetime.to_datetime(value)
    return pytz.utc.localize(value).astimezone(pytz.timezone(party_tz(record))).date()
