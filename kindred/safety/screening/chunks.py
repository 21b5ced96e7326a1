"""Cut a text into the windows the semantic model reads.

The sentence encoder reads up to 128 word pieces, and a risk sentence buried in a long post
("...anyway, the pills are saved for Friday. How was everyone's weekend?") would be diluted
in one average over the whole post. So a text is cut into windows of whole sentences of at
most ``WINDOW_WORDS`` words; the model scores each window and the text takes the riskiest.
A chat message is one window.

Long texts keep their first and last windows when there are too many (a goodbye is usually
at the end, the context at the start), which bounds the cost of a very long post.
"""

from __future__ import annotations

import re

WINDOW_WORDS = 40
MAX_WINDOWS = 24
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def _sentences(text: str) -> list[list[str]]:
    out = []
    for part in _SENTENCE_END.split(text):
        words = part.split()
        # A run-on "sentence" (no punctuation, common in chat) is cut into window-sized parts.
        for i in range(0, len(words), WINDOW_WORDS):
            piece = words[i : i + WINDOW_WORDS]
            if piece:
                out.append(piece)
    return out


def windows(text: str) -> list[str]:
    """Consecutive windows of whole sentences, each at most ``WINDOW_WORDS`` words."""
    out: list[str] = []
    current: list[str] = []
    for sentence in _sentences(text):
        if current and len(current) + len(sentence) > WINDOW_WORDS:
            out.append(" ".join(current))
            current = []
        current.extend(sentence)
    if current:
        out.append(" ".join(current))
    if len(out) > MAX_WINDOWS:
        head = MAX_WINDOWS // 2
        out = out[:head] + out[-(MAX_WINDOWS - head) :]
    return out
