"""The time of day and the weather a text speaks of, and when two disagree.

The lowering lets a shot's own words (its `setting "…"`, its `atmosphere`)
replace the `time` or `weather` of its location that they contradict, and
W120 says where setting, location and atmosphere disagree. Both read these
tables.
"""

from __future__ import annotations

import re
from functools import cache

# Hours of the day each word may mean (24 and past it: after midnight). A
# word may mean two spans (golden hour is after dawn and before dusk).
HOURS = {
    "dawn": [(4, 7)], "daybreak": [(4, 7)], "sunrise": [(5, 8)], "first light": [(4, 7)],
    "morning": [(6, 12)], "breakfast": [(6, 10)],
    "noon": [(11, 14)], "midday": [(11, 14)], "lunchtime": [(11, 14)],
    "afternoon": [(12, 18)], "late afternoon": [(15, 19)],
    "golden hour": [(5, 8), (16, 20)],
    "sunset": [(17, 21)], "dusk": [(17, 21)], "twilight": [(4, 7), (17, 22)], "blue hour": [(4, 7), (17, 22)],
    "evening": [(17, 23)],
    "night": [(20, 29)], "nighttime": [(20, 29)], "midnight": [(23, 25)], "after midnight": [(24, 29)],
    "past midnight": [(24, 29)], "small hours": [(24, 29)],
    "daylight": [(6, 20)], "broad daylight": [(8, 18)],
}

# What weather each word speaks of; two texts disagree when they name none in common.
WEATHER = {
    "drizzle": "drizzle", "drizzling": "drizzle", "light rain": "drizzle",
    "rain": "rain", "raining": "rain", "rainy": "rain", "rainfall": "rain", "showers": "rain",
    "heavy rain": "downpour", "downpour": "downpour", "pouring rain": "downpour", "torrential rain": "downpour",
    "storm": "storm", "thunderstorm": "storm", "thunder": "storm", "lightning": "storm",
    "snow": "snow", "snowing": "snow", "snowfall": "snow", "blizzard": "snow", "snowstorm": "snow",
    "sleet": "sleet", "hail": "hail",
    "fog": "fog", "foggy": "fog", "mist": "fog", "misty": "fog",
    "haze": "haze", "hazy": "haze", "smog": "haze",
    "sunny": "sun", "sunshine": "sun", "blazing sun": "sun", "bright sun": "sun", "sunlit": "sun",
    "sun-drenched": "sun", "hot sun": "sun",
    "clear sky": "clear", "clear skies": "clear", "cloudless": "clear",
    "overcast": "overcast", "cloudy": "overcast", "grey sky": "overcast", "gray sky": "overcast",
}


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    ordered = sorted(words, key=len, reverse=True)  # "heavy rain" before "rain"
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ordered) + r")(?![\w-])", re.I)


@cache
def _table(name: str) -> re.Pattern:
    return _pattern(tuple(HOURS if name == "hours" else WEATHER))


def times_in(text: str) -> list[str]:
    return [m.group(1).lower() for m in _table("hours").finditer(text)]


def weather_in(text: str) -> list[str]:
    return [m.group(1).lower() for m in _table("weather").finditer(text)]


def times_disagree(first: list[str], second: list[str]) -> bool:
    """Both name a time of day, and no hour is one both could mean."""
    if not first or not second:
        return False
    spans = [s for w in first for s in HOURS[w]]
    return not any(a < d and c < b for a, b in spans for w in second for c, d in HOURS[w])


def weather_disagrees(first: list[str], second: list[str]) -> bool:
    """Both name weather, and none of the same kind."""
    return bool(first and second) and not ({WEATHER[w] for w in first} & {WEATHER[w] for w in second})
