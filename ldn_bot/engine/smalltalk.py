"""Small talk: greetings, thanks, "what can you do?", "who made you?" get a short fixed reply, never a citation.

Only a message that is small talk as a whole counts: "hi, does LDN help MS?" is a question.
"""

from __future__ import annotations

import re
import unicodedata

from ldn_bot.config import Messages

_FILLER = r"(?:\s*(?:there|everyone|all|guys|folks|bot|ldn-?bot|again|so much|very much|a lot|lots|today|"\
          r"lol|lmao|haha+|hehe|omg|ok(?:ay)?|k|kk|cool|nice|"\
          r"tonight|super|"\
          r"really|so|(?:super |really |very |so )?(?:helpful|useful)|"\
          r"(?:thanks|thank you|cheers|thx)|(?:hi|hello|hey)|"\
          r"friend|mate|buddy|that was (?:really |very )?(?:helpful|useful|great)|"\
          r"that'?s (?:really |very )?(?:helpful|useful|great)|"\
          r"for (?:the|your) (?:help|answer|info)|(?:i'?m |im )?new here|first (?:time|post) here|y'?all|"\
          r":\)|:-\)|[!.,?\s])*)"

_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"^\s*(?:{_FILLER}\s*)?(?:{pattern}){_FILLER}$", re.I))
    for name, pattern in (
        ("greeting", r"hi+|hello+|hey+|heya|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day|night)|"
                     r"morning|evening|gn|night|nite|how are you(?: doing)?|how r u|what'?s up|sup"),
        ("thanks", r"thanks|thank you|thx|ty|cheers|much appreciated|appreciate it|great|awesome|perfect|ok(?:ay)?|"
                   r"cool|got it|bye|goodbye|see you|"
                   r"(?:ok(?:ay)?|great|cool)[, ]+(?:thanks|thank you)|thanks,? that'?s (?:useful|helpful|great)"),
        ("capabilities", r"what (?:can|do) (?:you|u) do|what are you(?: for)?|help|what can i ask(?: you)?|"
                         r"(?:are|r) (?:you|u) (?:a )?(?:real )?(?:person|human|bot|ai|robot)"
                         r"(?: or (?:a )?(?:bot|ai))?|"
                         r"how do i use you|"
                         r"what do you know(?: about)?|who are you|what is this(?: bot)?"),
        ("creator", r"who (?:made|built|created|wrote|programmed|makes|runs|maintains) (?:you|this(?: bot)?|ldn-?bot)|"
                    r"who is behind (?:you|this(?: bot)?)|"
                    r"who'?s your (?:creator|maker|developer)|who developed you"),
    )
)


def smalltalk_intent(text: str) -> str | None:
    """"greeting", "thanks", "capabilities" or "creator" when the whole message is small talk, else None.
    Emoji and other symbols ("hi 👋", "thanks 🙏🏽") are left out first: they change nothing."""
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("S", "M")))
    for name, pattern in _INTENTS:
        if pattern.match(text):
            return name
    return None


def smalltalk_reply(intent: str, messages: Messages) -> str:
    return {
        "greeting": messages.greeting,
        "thanks": messages.thanks,
        "capabilities": messages.capabilities,
        "creator": messages.creator,
    }[intent]


_THANKS_FIRST = re.compile(r"^\W*(?:thanks|thank (?:you|u)|thx|ty|cheers|tysm)\b", re.I)


def thanks_first(text: str) -> bool:
    """Whether a message opens with thanks ("thank u, its a lot to take in"); the engine replies with thanks
    when nothing after it asks anything."""
    return bool(_THANKS_FIRST.match(text))
