"""Kubernetes resource.Quantity in its canonical form (what remarshal does to `0.5` or `1024Mi`)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

_QUANTITY = re.compile(
    r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$"
)
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
_NANO = Fraction(1, 10**9)


def canonical(value: object) -> str | None:
    """The canonical string of a quantity (a string or a JSON number), or None if it is not one.

    Mirrors apimachinery resource.Quantity: values round up to nano precision; binary-suffixed
    values keep a binary suffix when they are whole multiples of 1024 (else fall back to
    decimal); decimal values use the largest SI suffix that keeps the mantissa whole.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    match = _QUANTITY.match(value if isinstance(value, str) else repr(value))
    if not match:
        return None
    sign, digits, suffix = match.group(1), match.group(2), match.group(3) or ""
    number = Fraction(digits)
    if suffix in _BINARY:
        number *= 1024 ** _BINARY[suffix]
    elif suffix in _DECIMAL:
        number *= Fraction(10) ** _DECIMAL[suffix]
    else:
        number *= Fraction(10) ** int(suffix[1:])
    if sign == "-":
        number = -number
    number = math.ceil(number / _NANO) * _NANO
    if number == 0:
        return "0"
    if suffix in _BINARY and abs(number) >= 1024 and number.denominator == 1:
        power = 0
        while power < 6 and int(number) % 1024 ** (power + 1) == 0:
            power += 1
        return f"{int(number) // 1024**power}{_BINARY_SUFFIX[power]}"
    exponent = -9
    while exponent < 18 and (number / Fraction(10) ** (exponent + 3)).denominator == 1:
        exponent += 3
    mantissa = int(number / Fraction(10) ** exponent)
    if suffix[:1] in ("e", "E"):
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"
