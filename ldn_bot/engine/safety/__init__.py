"""Safety rules (corpus/safety.yaml, with the concept lexicons in corpus/safety/), checked on every message before
retrieval. `load_rules(corpus folder)` gives the `SafetyRules`; `check(message, memory)` the rules it fires.

    text.py      how a message is read (normalisation, clauses, misspellings)
    phrases.py   phrases and how they match
    rules.py     rules: phrases, concept combinations, vetoes, negation, memory
    loading.py   the files, and the contract the required rules must meet
"""

from ldn_bot.engine.safety.loading import LEXICON_DIR, REQUIRED, SAFETY_FILE, load_lexicon, load_rules
from ldn_bot.engine.safety.phrases import Phrase, parse_phrase
from ldn_bot.engine.safety.rules import Combo, Rule, SafetyRules
from ldn_bot.engine.safety.text import tokens

__all__ = ["LEXICON_DIR", "REQUIRED", "SAFETY_FILE", "Combo", "Phrase", "Rule", "SafetyRules", "load_lexicon",
           "load_rules", "parse_phrase", "tokens"]
