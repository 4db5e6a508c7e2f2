"""The amount a record's free-text `dose` states, as answers show it beside a study ("4.5 mg", "median 3.7 mg",
"0.125 or 0.250 mg", "2 mg, up to 4 mg"): short, and never saying more or less than the text does.

A dose text is written for curators ("median daily dose 3.7 mg", "under 10 mg/day for at least 1 month",
"low-dose naltrexone ... (dose not stated; the author defines LDN as 1-5 mg/day)"). Taking its first number alone
misstates it: "10 mg" for "under 10 mg", "1-5 mg" for a definition, "1 mg" for "1 mg twice daily". So the words
that change what the number means travel with it: a qualifier before it, alternatives and a step up after it, a
frequency other than once a day. A number the text gives as a definition or per tablet is no dose.
"""

from __future__ import annotations

import re

_NUMBER = r"\d+(?:\.\d+)?"
_UNIT = r"mg/kg|µg/kg|ug/kg|mg|µg|ug|mcg|micrograms?"
# "0.75-6 mg", "2 to 4.5 mg", "0.125 mg or 0.250 mg", "4.5 or 9 mg", "0.002 mg/day (bid) or 0.004 mg/day (qid)"
_AMOUNT = re.compile(
    rf"(?P<low>{_NUMBER})(?:\s*(?P<range>-|–|to)\s*(?P<high>{_NUMBER}))?\s*(?P<unit>{_UNIT})\b"
    rf"(?:/d(?:ay)?\b)?(?:\s*\([^)]{{1,12}}\))?"
    rf"(?:\s+or\s+(?P<alt>{_NUMBER})\s*(?P<alt_unit>{_UNIT})?\b(?:/d(?:ay)?\b)?)?",
    re.I,
)
_ALT_BEFORE_UNIT = re.compile(rf"(?P<low>{_NUMBER})\s+or\s+(?P<alt>{_NUMBER})\s*(?P<unit>{_UNIT})\b", re.I)
# Words just before a number that change what it means: kept with it ("median 3.7 mg", "under 10 mg").
_QUALIFIER = re.compile(
    r"(?P<q>\b(?:median|mean|average|averaging|typically|up to|titrated up to|under|below|less than|at most|"
    r"from|starting at|reviews|test doses))\b(?:\s+(?:daily|oral|LDN|dose|doses|of)){0,3}\s*$",
    re.I,
)
# A number that is no dose of the study: a definition ("defined as 1.5-4.0 mg") or a unit's strength ("1 microgram
# per tablet").
_DEFINITION = re.compile(r"\bdefine[sd]?\b[^;]*$", re.I)
_PER_UNIT = re.compile(r"^\s*(?:/d(?:ay)?\s*)?per\s+(?:tablet|capsule|pill|unit)\b", re.I)
# After the amount: "or less", a frequency other than once a day, a step up ("increased to 4.5 mg", "up to 4 mg").
_OR_LESS = re.compile(r"^(?:/d(?:ay)?)?\s+or\s+(?:less|lower|more)\b", re.I)
_FREQUENCY = re.compile(r"^(?:/d(?:ay)?)?\s*(?:\([^)]*\)\s*)?(?:orally\s+|oral\s+)?(?P<f>twice (?:a day|daily)|"
                        r"three times (?:a day|daily)|bid|tid|qid)\b", re.I)
_STEP = re.compile(rf"^[^;.]*?(?P<w>increased to|raised to|rising to|up to|then)\s+(?P<to>{_NUMBER})\s*"
                   rf"(?P<unit>{_UNIT})\b", re.I)


def _unit(text: str) -> str:
    text = text.lower()
    return "µg" if text.startswith(("microgram", "ug", "mcg")) and "/kg" not in text else text.replace("ug/", "µg/")


def dose_amount(dose: str, titrated: bool = False) -> str | None:
    """The amount `dose` states, with the words that change its meaning ("median 3.7 mg", "under 10 mg",
    "1 mg twice daily", "0.125 or 0.250 mg", "3 mg, increased to 4.5 mg"); None when it states none (only a
    definition, or no number with a unit). `titrated`: the record says the dose was built up, so a later, larger
    amount in the same unit is where it went ("1 mg/day month 1, 2 mg/day month 2": "1 mg, then 2 mg")."""
    for m in _AMOUNT.finditer(dose):
        before, after = dose[: m.start()], dose[m.end():]
        if _DEFINITION.search(before) or _PER_UNIT.match(dose[m.end("unit"):]):
            continue
        unit = _unit(m.group("unit"))
        if m.group("high"):
            sep = " to " if m.group("range") == "to" else "-"
            amount = f"{m.group('low')}{sep}{m.group('high')} {unit}"
        elif m.group("alt") and _unit(m.group("alt_unit") or m.group("unit")) == unit:
            amount = f"{m.group('low')} or {m.group('alt')} {unit}"
        else:
            amount = f"{m.group('low')} {unit}"
        alt = _ALT_BEFORE_UNIT.match(dose, m.start()) if not m.group("high") else None
        if alt is None and m.start() >= 5:  # "4.5 or 9 mg": the number before "or" starts the amount
            alt = _ALT_BEFORE_UNIT.search(dose, max(0, m.start() - 12))
            alt = alt if alt is not None and alt.end() == m.end("unit") and alt.start() < m.start() else None
        if alt is not None:
            amount = f"{alt.group('low')} or {alt.group('alt')} {unit}"
            before = dose[: alt.start()]
        qualifier = _QUALIFIER.search(before)
        if qualifier:
            amount = f"{qualifier.group('q').lower()} {amount}"
        if _OR_LESS.match(after):
            amount += " or " + _OR_LESS.match(after).group(0).split()[-1].lower()  # type: ignore[union-attr]
        frequency = _FREQUENCY.match(dose[m.end("unit"):])
        if frequency:
            amount += f" {frequency.group('f').lower()}"
        step = _STEP.match(after)
        if step and _unit(step.group("unit")) == unit and step.group("to") != m.group("low"):
            amount += f", {step.group('w').lower()} {step.group('to')} {unit}"
        elif titrated and not (m.group("high") or m.group("alt") or qualifier):
            later = [x for x in _AMOUNT.finditer(after.split(";")[0])
                     if _unit(x.group("unit")) == unit and float(x.group("low")) > float(m.group("low"))]
            if later:
                amount += f", then {later[-1].group('low')} {unit}"
        return amount
    return None

