"""Dutch number and list formatting for the book's text, tables and captions."""

from __future__ import annotations


def fmt_int(value) -> str:
    """202045 -> '202.045' (Dutch thousands separator)."""
    return f"{round(value):,d}".replace(",", ".")


def fmt_dec(value, digits: int = 1) -> str:
    """12.345 -> '12,3' (Dutch decimal comma, thousands with a dot)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(value, digits: int = 1, signed: bool = False) -> str:
    """A percentage already in % units: 12.34 -> '12,3%'; signed adds '+' to gains."""
    text = fmt_dec(value, digits) + "%"
    return ("+" + text) if signed and value > 0 else text


def join_nl(items) -> str:
    """['a', 'b', 'c'] -> 'a, b en c' (Dutch enumeration); '' for no items."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def plural(n, one: str, many: str, *, with_number: bool = True) -> str:
    """A count with the right noun: plural(1, "gemeente", "gemeenten") -> '1 gemeente';
    plural(3, ...) -> '3 gemeenten'; plural(0, ...) -> '0 gemeenten'. with_number=False gives the noun only."""
    word = one if n == 1 else many
    return f"{fmt_int(n)} {word}" if with_number else word


def or_unknown(value, fmt=None, unknown: str = "onbekend") -> str:
    """A formatted value, or 'onbekend' when it is missing (None, NaN or pd.NA); fmt defaults to fmt_int."""
    try:
        import pandas as pd

        missing = value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other non-scalars are not missing
        missing = False
    return unknown if missing else (fmt or fmt_int)(value)


def region_with_article(name: str, kind: str) -> str:
    """A region's name as it stands in a sentence: 'de provincie Utrecht', 'het COROP-gebied Twente',
    'de gemeente Utrecht', 'de U16' (kind: 'provincie', 'corop', 'gemeente' or 'regio')."""
    return ("het " if kind == "corop" else "de ") + name


def capitalize_first(text: str) -> str:
    """The first letter as a capital, for a sentence that starts with a name: 'De provincie Utrecht …'."""
    return text[:1].upper() + text[1:]


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def fmt_date(value) -> str:
    """A date (datetime.date or 'YYYY-MM-DD') in Dutch: '2026-12-01' -> '1 december 2026'."""
    import datetime as _dt

    d = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value)[:10])
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fmt_eur(value, digits: int = -3) -> str:
    """Euro, rounded to `digits` (default thousands): 340909 -> '€ 341.000'; a million or more in words:
    3750000 -> '€ 3,8 miljoen'."""
    if abs(value) >= 1_000_000:
        return f"€ {fmt_dec(value / 1_000_000, 1)} miljoen"
    return f"€ {fmt_int(round(value, digits))}"
