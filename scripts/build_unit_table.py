"""Distil pint's unit registry and babel's currency data into ``extract/anchors/unit_table.py``.

Why: loading pint's registry costs about a second and babel's locale data a tenth, on every run, for a few
hundred names the number finder needs. So the names are read from the libraries here, once, and written as
a small table that imports in microseconds; ``tests/test_unit_table.py`` fails when the table and the
libraries disagree (a pint or babel upgrade, or an edit to the lists below). Usage::

    python scripts/build_unit_table.py            # rewrite extract/anchors/unit_table.py
    python scripts/build_unit_table.py --check    # exit 1 if the file is stale

What is typed here is only *which* units news text measures in and the id each gets in the feed
(``other:<id>``: lowercase singular, the symbol for prefixed metric units as the gold set writes them,
``km``, ``mm``, ``gb``, ``mah``, else the name, ``metre``, ``litre``, ``horsepower``); the names, spellings,
plurals and symbols come from the libraries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pprint
import re
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "extract" / "anchors" / "unit_table.py"

# (feed id, pint unit): the units news text measures in. Prefixed units are built by pint from prefix + unit.
UNITS: tuple[tuple[str, str], ...] = (
    ("metre", "meter"), ("km", "kilometer"), ("cm", "centimeter"), ("mm", "millimeter"),
    ("micron", "micrometer"), ("nm", "nanometer"), ("mile", "mile"), ("yard", "yard"), ("foot", "foot"),
    ("inch", "inch"), ("nautical_mile", "nautical_mile"), ("light_year", "light_year"),
    ("hectare", "hectare"), ("acre", "acre"), ("square_mile", "square_mile"), ("square_foot", "square_foot"),
    ("litre", "liter"), ("ml", "milliliter"), ("gallon", "gallon"), ("barrel", "barrel"),
    ("cubic_foot", "cubic_foot"), ("pint", "pint"), ("fluid_ounce", "fluid_ounce"),
    ("gram", "gram"), ("kg", "kilogram"), ("mg", "milligram"), ("microgram", "microgram"),
    ("tonne", "metric_ton"), ("ton", "ton"), ("pound", "pound"), ("ounce", "ounce"), ("carat", "carat"),
    ("stone", "stone"), ("horsepower", "horsepower"), ("watt", "watt"), ("kw", "kilowatt"),
    ("mw", "megawatt"), ("gw", "gigawatt"), ("wh", "watt_hour"), ("kwh", "kilowatt_hour"),
    ("mwh", "megawatt_hour"), ("gwh", "gigawatt_hour"), ("twh", "terawatt_hour"), ("volt", "volt"),
    ("kv", "kilovolt"), ("mah", "milliampere_hour"), ("hertz", "hertz"), ("khz", "kilohertz"),
    ("mhz", "megahertz"), ("ghz", "gigahertz"), ("kb", "kilobyte"), ("mb", "megabyte"), ("gb", "gigabyte"),
    ("tb", "terabyte"), ("pb", "petabyte"), ("megapixel", "megapixel"), ("pound_foot", "foot_pound"),
    ("km/h", "kilometer_per_hour"), ("mph", "mile_per_hour"), ("knot", "knot"),
    ("celsius", "degree_Celsius"), ("fahrenheit", "degree_Fahrenheit"), ("calorie", "calorie"),
    ("kcal", "kilocalorie"), ("joule", "joule"), ("decibel", "decibel"), ("rpm", "revolutions_per_minute"),
    ("second", "second"), ("millisecond", "millisecond"), ("psi", "psi"), ("newton_metre", "newton*meter"),
)
# Written forms pint does not list: word-order variants, "per hour" spelled out, common press abbreviations.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "pound_foot": ("pound-foot", "pound-feet", "pound feet", "lb-ft", "lb ft", "foot-pound", "foot-pounds"),
    "km/h": ("kilometre per hour", "kilometres per hour", "kilometers per hour", "kilometres an hour",
             "kilometers an hour", "km/h", "kmh", "km/hr"),
    "mph": ("miles per hour", "miles an hour", "mile per hour"),
    "celsius": ("degrees celsius", "degree celsius", "degrees c", "°c", "c"),
    "fahrenheit": ("degrees fahrenheit", "degree fahrenheit", "degrees f", "°f", "f"),
    "horsepower": ("bhp", "brake horsepower"),
    "microgram": ("mcg",), "square_mile": ("square miles", "sq miles", "sq mi"),
    "megapixel": ("mp", "mpx"), "litre": ("ltr",), "kg": ("kilo", "kilos", "kgs"), "km": ("kms",),
    "tonne": ("metric tons", "metric ton"), "barrel": ("bbl",), "second": ("secs",),
}
# Names news text means something else by, or that pint gives as a rare alias: never a unit word.
NOT_NAMES = frozenset("sec secs ct pt kt kts".split())
# Names that take no plural "s": "10 horsepower", "5 hertz", "30 degrees celsius".
NO_PLURAL = ("celsius", "fahrenheit", "hertz", "horsepower", "feet", "inches", "mph", "kph", "ls")
# pint aliases that are not words news text uses for the unit ("megadot", "degC", "ℓ").
_ODD_ALIAS = re.compile(r"dot|pel|picture|octet|deg[cfk]|degree[cfk]|ℓ|^millil$|^l$|watthour|footpound|lightyear")
# Symbols that are also English words or scales: only a unit when glued to the digits ("5.8in", "12MP").
GLUED_ONLY = frozenset("in mi ha gal cal pt ct kt kn sec mp mpx c f C F".split())

# Currency symbols in English texts that CLDR does not give one currency, or not at all.
CURRENCY_SYMBOL_EXTRA: dict[str, str] = {
    "$": "USD", "£": "GBP", "¥": "JPY", "C$": "CAD", "AU$": "AUD", "S$": "SGD", "RMB": "CNY", "Rs": "INR",
    "Rs.": "INR", "Dh": "AED", "Dhs": "AED", "SR": "SAR", "SGD$": "SGD", "AUD$": "AUD",
}
# CLDR symbols that are words or single letters in English text: never read as money.
CURRENCY_SYMBOL_SKIP = frozenset("Ar Le D E K P R RF VT Cg Cg. CFP CFPF Nfk kr kr. NAf. ¤ MK Rf".split())
# Currency names shared by many currencies: the one English news means by the bare word.
CURRENCY_WORD_DEFAULT: dict[str, str] = {
    "dollar": "USD", "pound": "GBP", "franc": "CHF", "peso": "MXN", "rupee": "INR", "krone": "NOK",
    "krona": "SEK", "kronor": "SEK", "kroner": "NOK", "riyal": "SAR", "dirham": "AED", "lira": "TRY",
    "shilling": "KES", "yuan": "CNY", "renminbi": "CNY", "real": "BRL", "reais": "BRL", "rouble": "RUB",
    "ruble": "RUB", "sterling": "GBP", "pounds sterling": "GBP", "us dollar": "USD", "won": "KRW",
    "rand": "ZAR", "dinar": "KWD",
}
# Bare currency words that are also common English words: only with a scale or an adjective before them.
CURRENCY_WORD_SKIP = frozenset("gold real won mark ariary dram leu lev som kip vatu tala loti lek pula rand".split()) \
    - {"rand"}
KEPT_CODES = ("USD", "EUR", "GBP")
CURRENT = dt.date(2025, 1, 1)  # currencies in use on this day (fixed, so the table does not age by itself)
# ISO codes that are English words or common abbreviations in capitals ("TOP 10", "ALL 5"): not money.
CODE_SKIP = frozenset("ALL TOP CUP PEN TRY SOS GEL MAD BOB MOP BAM DOP ANG CUC MRO STD SVC LAK XXX".split())


def feed_unit(code: str) -> str:
    return code if code in KEPT_CODES else f"other:{code.lower()}"


def _plural(word: str) -> str:
    if word.endswith("foot"):
        return word[:-4] + "feet"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _british(word: str) -> str:
    return word.replace("meter", "metre").replace("liter", "litre")


def _unit_forms(ureg: object, pint_name: str) -> tuple[set[str], set[str]]:
    """(names, symbols) pint knows for one unit: its name and aliases, plurals and British spellings;
    the symbol and the symbols of its aliases (a prefixed unit's from its prefix and base)."""
    prefixes, units = ureg._prefixes, ureg._units  # type: ignore[attr-defined]
    if "*" in pint_name:  # a product: "newton metres", "N·m"
        parts = [_unit_forms(ureg, p) for p in pint_name.split("*")]
        first = {n for n in parts[0][0] if not n.endswith("s")}
        return ({f"{a}{sep}{b}" for a in first for b in parts[1][0] for sep in (" ", "-")},
                {f"{a}{sep}{b}" for a in [*parts[0][1], units[pint_name.split("*")[0]].symbol]
                 for b in [*parts[1][1], units[pint_name.split("*")[1]].symbol] for sep in ("", "·")})
    if pint_name in units:
        d = units[pint_name]
        raw_names, symbols = {d.name, *d.aliases}, {d.symbol}
    else:
        prefix = next(p for p in sorted(prefixes, key=len, reverse=True) if p and pint_name.startswith(p)
                      and pint_name[len(p):] in units)
        p, base = prefixes[prefix], units[pint_name[len(prefix):]]
        raw_names = {prefix + n for n in (base.name, *base.aliases)}
        symbols = {s + base.symbol for s in (p.symbol, *p.aliases) if s.isalpha() or s == "µ"}
    names: set[str] = set()
    for raw in raw_names:
        if not raw.replace("_", "").isalpha() or any(w in raw for w in ("international", "US_", "UK_", "avdp",
                                                                          "avoirdupois", "liquid", "hydraulic",
                                                                          "thermochemical", "short_", "_th")):
            continue
        name = raw.replace("_", " ").lower()
        if _ODD_ALIAS.search(name):
            continue
        for form in (name, _british(name)):
            words = form.split(" ")
            names.add(form)
            if not form.endswith(NO_PLURAL) and " per " not in form:
                names.add(" ".join([*words[:-1], _plural(words[-1])]))
    if "_per_" in pint_name:  # "kilometers per hour", not "kilometer per hours"
        names = {n for n in names if not n.endswith(("hours", "minutes"))}
        names |= {_british(pint_name.replace("_per_", " per ").replace("_", " ")).replace("r per", "rs per")}
    return names - NOT_NAMES, {s for s in symbols if s and len(s) > 1 and not s.isdigit()}


def build_units() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(lowercase name -> id, symbol -> id, glued-only symbol -> id), from pint plus the lists above."""
    import pint

    ureg = pint.UnitRegistry()
    names: dict[str, str] = {}
    symbols: dict[str, str] = {}
    glued: dict[str, str] = {}
    for uid, pint_name in UNITS:
        found_names, found_symbols = _unit_forms(ureg, pint_name)
        for name in sorted(found_names | set(EXTRA_NAMES.get(uid, ()))):
            if name in GLUED_ONLY:
                glued.setdefault(name.upper() if len(name) == 1 else name, uid)
            else:
                names.setdefault(name.lower(), uid)
        for sym in sorted(found_symbols):
            (glued if sym in GLUED_ONLY or sym.lower() in GLUED_ONLY else symbols).setdefault(sym, uid)
    for short in ("c", "f", "mp", "mpx"):  # "36C", "12MP": glued forms of names kept above
        uid = names.pop(short, None)
        if uid:
            glued.setdefault(short.upper() if len(short) == 1 else short, uid)
    return names, symbols, glued


def build_currencies() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(ISO code -> unit, symbol -> unit, lowercase name -> unit), from babel's CLDR data in English."""
    from babel import Locale
    from babel.core import get_global
    from babel.localedata import locale_identifiers
    from babel.numbers import get_currency_name, get_territory_currencies

    current = sorted({c for t in get_global("territory_currencies") for c in get_territory_currencies(t, CURRENT)})
    codes = {c: feed_unit(c) for c in current if c not in CODE_SKIP and c.isalpha() and c.isupper()}
    by_symbol: dict[str, set[str]] = defaultdict(set)
    for lid in sorted(locale_identifiers()):
        if lid == "en" or lid.startswith("en_"):
            for code, sym in Locale.parse(lid).currency_symbols.items():
                if sym != code and sym != "$" and code in codes:
                    by_symbol[sym].add(code)
    symbols = {sym: feed_unit(next(iter(cs))) for sym, cs in by_symbol.items()
               if len(cs) == 1 and sym not in CURRENCY_SYMBOL_SKIP and "\u202f" not in sym}
    symbols.update({sym: feed_unit(code) for sym, code in CURRENCY_SYMBOL_EXTRA.items()})
    by_word: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for code in codes:
        full = {get_currency_name(code, locale="en").lower(), get_currency_name(code, count=2, locale="en").lower()}
        if any(ch.isdigit() or ch == "(" for n in full for ch in n):
            continue  # "(1990–2022)": a currency no longer in use
        for name in full:
            names[name] = feed_unit(code)
            by_word[name.split()[-1]].add(code)
    for word, cs in by_word.items():
        if word in CURRENCY_WORD_DEFAULT or word in CURRENCY_WORD_SKIP or word.rstrip("s") in CURRENCY_WORD_DEFAULT:
            continue
        if len(cs) == 1:
            names[word] = feed_unit(next(iter(cs)))
    for word, code in CURRENCY_WORD_DEFAULT.items():
        names[word] = feed_unit(code)
        if word not in ("kronor", "kroner", "reais", "sterling", "pounds sterling"):  # plural already
            names.setdefault(_plural(word), feed_unit(code))
    for word in CURRENCY_WORD_SKIP:
        names.pop(word, None)
        names.pop(_plural(word), None)
    names.update({"euro": "EUR", "euros": "EUR", "rouble": "other:rub", "roubles": "other:rub",
                  "russian roubles": "other:rub", "russian rouble": "other:rub"})
    return codes, symbols, names


def render() -> str:
    names, symbols, glued = build_units()
    codes, cur_symbols, cur_names = build_currencies()

    def table(name: str, doc: str, data: dict[str, str]) -> str:
        body = pprint.pformat(dict(sorted(data.items())), width=116, compact=True, sort_dicts=False)
        return f"{name}: Final[dict[str, str]] = {body}\n\"\"\"{doc}\"\"\"\n"

    parts = [
        '"""Unit and currency names for the number finder: GENERATED by scripts/build_unit_table.py, do not edit.\n\n'
        "Distilled from pint's unit registry and babel's CLDR currency data so that the finder needs neither\n"
        "library at run time; tests/test_unit_table.py checks that this file matches them.\n"
        '"""\n\nfrom __future__ import annotations\n\nfrom typing import Final',
        table("UNIT_NAMES", "Lowercase unit name or plural -> feed id (other:<id>): \"kilometres\" -> \"km\".", names),
        table("UNIT_SYMBOLS", "Case-sensitive unit symbol -> feed id: \"kWh\" -> \"kwh\", \"GB\" -> \"gb\".", symbols),
        table("UNIT_GLUED", "Symbols that are also words, read as units only glued to digits: \"5.8in\".", glued),
        table("CURRENCY_CODES", "ISO 4217 code -> feed unit: \"USD\" -> \"USD\", \"MYR\" -> \"other:myr\".", codes),
        table("CURRENCY_SYMBOLS", "Currency symbol -> feed unit: \"HK$\" -> \"other:hkd\", \"₹\" -> \"other:inr\".",
              cur_symbols),
        table("CURRENCY_NAMES", "Lowercase currency name -> feed unit: \"australian dollars\" -> \"other:aud\".",
              cur_names),
    ]
    return "\n\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table differs from the libraries")
    args = parser.parse_args()
    text = render()
    if args.check:
        stale = OUT.read_text(encoding="utf-8") != text
        print(f"{OUT} is {'stale' if stale else 'up to date'}", file=sys.stderr)
        return 1 if stale else 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
