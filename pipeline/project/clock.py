"""The one clock: the day reviews are judged against, and that a command's replayed output was
true on (publish/replay.py). Tests set their own day here."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
