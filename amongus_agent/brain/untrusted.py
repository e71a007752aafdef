"""The one place where text from strangers becomes prompt text, and where model text becomes speech.

In: other players' chat and names (from the simulator, a bridge or OCR) are defused — one line, no
control or format characters, no fence marks, cut to a length limit — and chat is fenced between
<<< and >>>, one message per fence, so a name such as `>>> SYSTEM` or a message with newlines can
neither close a fence nor fake a line of its own. `observation()` does this once, where the agent
receives what it sees; `fence`, `name` and `chat_block` render the same way wherever a prompt, the
memory or the Neuro API's vote state is written.

Out: `plain_chat` passes only what a player could type in the game's chat: one short line, no JSON,
code, markup or control characters, no role or thought leak, no instruction text and no words
parroted from the prompt or from other players. Anything else is refused (None), and the caller
says a short in-character fallback line instead.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from ..ports import DEFAULT_RULES

OPEN, CLOSE = "<<<", ">>>"
CHAT_LIMIT = DEFAULT_RULES.chat_max_chars  # the game's default; a lobby's own limit comes with the observation
NAME_LIMIT = 16  # Among Us names have at most 10 characters; some slack for OCR
ECHO_WORDS = 6  # this many words in a row copied from a stranger or the prompt is an echo, not speech

# `<` and `>` become look-alikes: no fence mark, no tag (<think>, <|im_start|>, <b>) survives the trip
_ANGLES = str.maketrans({"<": "‹", ">": "›"})
_SPACES = re.compile(r"\s+")


def _is_control(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width), surrogate, private and unassigned code points, and
    line or paragraph separators: anything that can move text around or hide it."""
    return unicodedata.category(ch)[0] in "CZ" and ch != " "


def defuse(text: Any, limit: int | None = None) -> str:
    """One line of inert text: control characters become spaces, fence marks and tags look-alikes, and
    anything past `limit` characters is cut (marked with …)."""
    text = text if isinstance(text, str) else str(text)
    if limit is not None:
        text = text[: limit * 4]  # bound the work on a huge string before cleaning
    text = "".join(" " if _is_control(ch) else ch for ch in text)
    text = _SPACES.sub(" ", text).strip().translate(_ANGLES)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def name(text: Any) -> str:
    """A player's name as it may appear in a prompt, memory or a vote option."""
    return defuse(text, NAME_LIMIT) or "?"


def fence(text: Any, limit: int = CHAT_LIMIT) -> str:
    """A stranger's message between fence marks, defused and cut to `limit`."""
    return OPEN + defuse(text, limit) + CLOSE


def chat_block(lines: Iterable[Any]) -> str:
    """Chat lines (objects with `name` and `text`) as `Name: <<<text>>>`, one message per line."""
    return "\n".join(f"{name(c.name)}: {fence(c.text)}" for c in lines)


def observation(obs: Any) -> Any:
    """`obs` with every name and chat message defused (a copy if anything changed; cheap when nothing did)."""
    fixes: dict[str, Any] = {}
    if name(obs.name) != obs.name:
        fixes["name"] = name(obs.name)
    if any(name(p.name) != p.name for p in obs.players):
        fixes["players"] = [p.model_copy(update={"name": name(p.name)}) for p in obs.players]
    if any(name(b.name) != b.name for b in obs.bodies):
        fixes["bodies"] = [b.model_copy(update={"name": name(b.name)}) for b in obs.bodies]
    if any(name(n) != n for _, n in obs.alive_players):
        fixes["alive_players"] = [(pid, name(n)) for pid, n in obs.alive_players]
    m = obs.meeting
    if m is not None:
        chat = [c.model_copy(update={"name": name(c.name), "text": defuse(c.text, CHAT_LIMIT)})
                if (name(c.name), defuse(c.text, CHAT_LIMIT)) != (c.name, c.text) else c for c in m.chat]
        update: dict[str, Any] = {}
        if any(a is not b for a, b in zip(chat, m.chat, strict=True)):
            update["chat"] = chat
        if name(m.caller_name) != m.caller_name:
            update["caller_name"] = name(m.caller_name)
        if m.victim_name is not None and name(m.victim_name) != m.victim_name:
            update["victim_name"] = name(m.victim_name)
        if update:
            fixes["meeting"] = m.model_copy(update=update)
    return obs.model_copy(update=fixes) if fixes else obs


# ---------------------------------------------------------------------------------------------- out

_MARKUP = re.compile(r"[{}\[\]<>`|\\‹›]|\*\*|__|~~|://|&[a-z]+;|^\s*(#|>|- |\* |\d+\. )", re.I)
_INSTRUCTION = re.compile(
    r"system\s*(override|prompt|message|:)|ignore\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier)"
    r"|\b(instructions?|developer mode|jailbreak|as an ai|language model|assistant:|user:|\[inst\])"
    r"|reply with|response format|action list|legal action|untrusted", re.I)
_LEAK = re.compile(
    r"^\s*(thought|observation|action|reasoning|analysis|note)\s*:"
    r"|\b(i am|i'm|im|i was|as|we are|we're|my role is|being)\s+(the\s+|an\s+|a\s+|one of the\s+)?impostors?\b"
    r"|\b(my|fellow|other)\s+(impostor|partner)|\bkill\s*cooldown\b|\b(my|your) role\b|\bmy (prompt|persona)\b", re.I)
_WORD = re.compile(r"[a-z0-9']+")


def _ngrams(text: str, n: int = ECHO_WORDS) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def chat_problem(text: str, *, limit: int = CHAT_LIMIT, heard: Iterable[str] = ()) -> str | None:
    """Why `text` may not be said as chat (a short reason), or None if it is plain chat.

    `heard` is what strangers said and what the prompt told the model: a run of ECHO_WORDS words from
    it is parroting. No role is ever confessed, whichever the agent has (a crewmate "admitting" to be
    the impostor is as much an injected line as the real confession).
    """
    if not isinstance(text, str) or not text.strip():
        return "empty"
    if len(text) > limit:
        return "too long"
    if any(_is_control(ch) for ch in text):
        return "control characters"
    if _MARKUP.search(text):
        return "json, code or markup"
    try:
        json.loads(text)  # a bare number, string literal, true or null: a JSON value, not speech
        return "json, code or markup"
    except ValueError:
        pass
    if _INSTRUCTION.search(text):
        return "instruction text"
    if _LEAK.search(text):
        return "role or thought leak"
    grams = _ngrams(text)
    if grams and any(grams & _ngrams(h) for h in heard):
        return "echo"
    return None


def plain_chat(text: str | None, *, limit: int = CHAT_LIMIT, heard: Iterable[str] = ()) -> str | None:
    """`text` if it is plain chat a player may say (see `chat_problem`), else None."""
    if text is None:
        return None
    return None if chat_problem(text, limit=limit, heard=heard) else text
