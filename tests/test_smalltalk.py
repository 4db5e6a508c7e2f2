"""Small talk by concept: whatever words a member uses for a greeting, a goodbye, thanks, praise or a complaint, a
question about the bot itself, laughter or an emoji, the reply is a short fixed text with no citation; and a
message with a real question in it is answered, never taken for small talk."""

import pytest

from ldn_bot.engine.conversation import Conversation


@pytest.mark.parametrize(
    "message, reply",
    [
        ("hiya folks", "greeting"),
        ("heyyyy there 👋", "greeting"),
        ("evening all, how's everyone", "greeting"),
        ("long time lurker, first post", "greeting"),
        ("right, bed time for me", "farewell"),
        ("gotta go, ttyl", "farewell"),
        ("ok im off to sleep now, night night 😴", "farewell"),
        ("signing off, take care everyone", "farewell"),
        ("thnaks a lot!!", "thanks"),
        ("tysm 🙏", "thanks"),
        ("wow super useful, good bot", "thanks"),
        ("u r a legend", "thanks"),
        ("is this a real human or a bot??", "identity"),
        ("am i talking to an ai lol", "identity"),
        ("who built u", "creator"),
        ("how do u work", "capabilities"),
        ("what r u for", "capabilities"),
        ("that makes no sense, useless", "complaint"),
        ("hahaha", "acknowledgement"),
        ("lmao", "acknowledgement"),
        ("👍", "acknowledgement"),
        ("okie gotcha", "acknowledgement"),
        ("ah i see, fair enough", "acknowledgement"),
    ],
)
def test_small_talk_by_concept_gets_its_fixed_reply_and_no_citation(engine, message, reply):
    answer = engine.answer(message)
    assert answer.status == "chitchat" and not answer.citations
    assert answer.message == getattr(engine.config.messages, reply)


@pytest.mark.parametrize(
    "message",
    [
        "hi all, does ldn help fibromyalgia?",
        "lol ok but what dose did the crohns trial use",
        "thanks! and what about side effects?",
        "night all, quick one: is ldn safe with tramadol",
        "are you a bot? what trials were there for ms",
    ],
)
def test_a_message_with_a_real_question_is_never_small_talk(engine, message):
    assert engine.answer(message).status != "chitchat"


def test_small_talk_in_a_conversation_keeps_its_topic_for_the_next_question(engine):
    conv = Conversation()
    engine.answer("does ldn help crohns?", conv)
    assert engine.answer("ok cool, got it", conv).status == "chitchat"
    follow = engine.answer("what dose did they use?", conv)
    assert follow.status == "answered" and "crohn" in (follow.topic or "").lower()


@pytest.mark.parametrize("message", ["how do i get the long covid role here on the server", "which channel is for ms?",
                                     "can a mod pin the fibro thread"])
def test_a_question_about_the_server_itself_points_to_a_moderator(engine, message):
    answer = engine.answer(message)
    assert answer.status == "no_evidence" and not answer.citations
    assert answer.message == engine.config.messages.platform


def test_a_server_word_in_passing_does_not_stop_a_question_about_ldn(engine):
    assert engine.answer("a mod said to ask you: does ldn help crohns?").status == "answered"
