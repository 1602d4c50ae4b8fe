"""Splitting a one-line command (`/content add <url> "Title" stage=decision tags=a,b`) into words
and key=value options, with quotes as Slack users type them (straight or curly)."""

from __future__ import annotations

from dataclasses import dataclass, field

QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "«": "»"}


class CommandSyntaxError(ValueError):
    pass


@dataclass
class Parsed:
    words: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)


def split(text: str) -> list[str]:
    """Words separated by spaces; a quoted part (also inside `key="…"`) is kept whole."""
    return [token for token, _ in _tokens(text)]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, whether it starts with a quote: then it is a word, never a key=value option)."""
    tokens: list[tuple[str, bool]] = []
    current: list[str] = []
    in_token = quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in QUOTES:
            close = QUOTES[ch]
            end = _closing(text, i + 1, close)
            if end < 0:
                raise CommandSyntaxError(f"a quote opened at “{text[max(0, i - 10):i + 20]}…” is never closed; "
                                         "put the title or description between a pair of double quotes")
            current.append(text[i + 1:end])
            quoted = quoted or not in_token
            in_token = True
            i = end + 1
            continue
        if ch.isspace():
            if in_token:
                tokens.append(("".join(current), quoted))
                current, in_token, quoted = [], False, False
        else:
            current.append(ch)
            in_token = True
        i += 1
    if in_token:
        tokens.append(("".join(current), quoted))
    return tokens


def _closing(text: str, start: int, close: str) -> int:
    for j in range(start, len(text)):
        if text[j] == close or (close in "”“" and text[j] in '"”“') or (close == '"' and text[j] in "”“"):
            return j
    return -1


def parse(text: str, allowed: tuple[str, ...]) -> Parsed:
    """Words and options; an option not in `allowed` is refused with the list of allowed ones."""
    parsed = Parsed()
    for token, quoted in _tokens(text):
        key, eq, value = token.partition("=")
        if not quoted and eq and key and key.replace("_", "").isalpha() and not token.startswith(("http://", "https://")):
            key = key.lower()
            if key not in allowed:
                known = ", ".join(f"{a}=" for a in allowed) or "none"
                raise CommandSyntaxError(f"unknown option `{key}=` (options here: {known})")
            if key in parsed.options:
                raise CommandSyntaxError(f"`{key}=` is given twice")
            parsed.options[key] = value.strip()
        else:
            parsed.words.append(token)
    return parsed
