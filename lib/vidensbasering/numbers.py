"""Numbers the Danish way: read what a person types, write what a person reads.

Danish writes a decimal comma and groups thousands with a point: ``1.234,5``. Every number a
participant types in an app goes through :func:`parse_number` (which refuses a number outside
the allowed range with a Danish message instead of clipping it), and every number shown goes
through :func:`format_number` or :func:`format_share`. Parsing and formatting use CLDR's ``da_DK``
conventions through Babel.
"""

from __future__ import annotations

import math
import re

from babel.numbers import NumberFormatError, format_decimal, format_percent, parse_decimal

from vidensbasering.i18n import t

__all__ = [
    "LOCALE",
    "NumberInputError",
    "check_range",
    "format_number",
    "format_share",
    "parse_number",
    "range_text",
]

#: Babel locale of numbers in texts (charts get theirs from :mod:`vidensbasering.charts`).
LOCALE = "da_DK"
#: What may be typed: an optional sign, digits, thousands points and one decimal comma. Babel
#: then checks the grouping ("1.234" is a thousand and more; "0.85" is refused, not read as 85).
_TYPED = re.compile(r"^[+-]?[\d.]*,?\d*$")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


class NumberInputError(ValueError):
    """A typed number that cannot be used; ``str(error)`` is a Danish sentence saying what to do.

    The message never repeats what was typed (a person might type a CPR number anywhere).
    """


def format_number(value: float, decimals: int = 1) -> str:
    """Danish number text with ``decimals`` decimals, e.g. ``1234.5`` -> ``"1.234,5"``.

    Negative numbers get a real minus sign (U+2212), as Danish typesetting does.
    """
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE).replace("-", "\u2212")


def format_share(share: float) -> str:
    """Danish percentage with one decimal, e.g. ``0.2542`` -> ``"25,4 %"`` (NaN -> ``"–"``)."""
    if not math.isfinite(share):
        return "–"
    return format_percent(share, format="#,##0.0 %", locale=LOCALE).replace("\xa0", " ")


def parse_number(
    text: str,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    include_minimum: bool = True,
    include_maximum: bool = True,
    example: float | None = None,
    decimals: int = 2,
) -> float:
    """Read a number typed the Danish way and check that it is in the allowed range.

    Args:
        text: what the person typed, e.g. ``"0,85"``, ``"1.234,5"`` or ``" -2 "``; a Unicode
            minus or en dash counts as a minus sign.
        minimum, maximum: the allowed range (``None``: unbounded on that side).
        include_minimum, include_maximum: whether the bounds themselves are allowed.
        example: a valid value to show in the message (Danish-formatted with ``decimals``);
            by default the middle of the range, or 0,5 when unbounded.
        decimals: decimals of the bounds and the example in the message.

    Returns:
        The number as a float. Nothing is ever rounded or clipped.

    Raises:
        NumberInputError: empty text; text that is not a number written the Danish way (a
            decimal point as in ``"0.85"``, letters, ``"nan"``, exponents); a number outside the
            range. Each with a Danish message naming the allowed range.
    """
    cleaned = text.strip().translate(_MINUS_SIGNS).replace(" ", "").replace("\xa0", "")
    if not cleaned:
        raise NumberInputError(t("common.number_empty"))
    if not _TYPED.match(cleaned) or not any(ch.isdigit() for ch in cleaned):
        raise NumberInputError(
            t("common.number_invalid", example=_example(minimum, maximum, example, decimals))
        )
    try:
        value = float(parse_decimal(cleaned, locale=LOCALE, strict=True))
    except NumberFormatError as error:
        message = t("common.number_invalid", example=_example(minimum, maximum, example, decimals))
        raise NumberInputError(message) from error
    return check_range(value, minimum, maximum, include_minimum, include_maximum, decimals)


def check_range(
    value: float,
    minimum: float | None = None,
    maximum: float | None = None,
    include_minimum: bool = True,
    include_maximum: bool = True,
    decimals: int = 2,
) -> float:
    """Return ``value`` if it is in the range, else raise.

    Raises:
        NumberInputError: outside the range, or not finite; the Danish message names the range.
    """
    too_low = minimum is not None and (
        value < minimum or (value == minimum and not include_minimum)
    )
    too_high = maximum is not None and (
        value > maximum or (value == maximum and not include_maximum)
    )
    if too_low or too_high or not math.isfinite(value):
        rule = range_text(minimum, maximum, include_minimum, include_maximum, decimals)
        raise NumberInputError(t("common.number_out_of_range", rule=rule))
    return value


def range_text(
    minimum: float | None,
    maximum: float | None,
    include_minimum: bool = True,
    include_maximum: bool = True,
    decimals: int = 2,
) -> str:
    """The allowed range in Danish words, e.g. ``"større end 0 og mindre end 1"``."""
    parts = []
    if minimum is not None:
        key = "common.number_at_least" if include_minimum else "common.number_above"
        parts.append(t(key, x=_bound(minimum, decimals)))
    if maximum is not None:
        key = "common.number_at_most" if include_maximum else "common.number_below"
        parts.append(t(key, x=_bound(maximum, decimals)))
    if len(parts) == 2:
        return t("common.number_both", first=parts[0], second=parts[1])
    return parts[0] if parts else ""


def _bound(value: float, decimals: int) -> str:
    """A bound without needless decimals: 0 -> "0", 0.99 -> "0,99"."""
    return format_number(value, 0 if float(value).is_integer() else decimals)


def _example(
    minimum: float | None, maximum: float | None, example: float | None, decimals: int
) -> str:
    if example is None:
        if minimum is not None and maximum is not None:
            example = (minimum + maximum) / 2
        else:
            example = 0.5 if minimum is None or minimum < 0.5 else minimum + 0.5
    return format_number(example, decimals)
