"""Seeded faults for gen278.py: turns a chosen share of the transaction sets invalid.

Each invalid set gets two or three faults of different kinds, so a validator reports findings of
several codes in it. The faults draw from their own random.Random, never from the generator's:
a set left valid is byte for byte the set the same seed writes without faults.

Kinds (the facts behind them are the guide's, see x12-278-reference.md):

    missing  the 2000E UM segment (required) is left out
    code     2000E UM06 holds a code outside 03 / E / U
    date     BHT04 is not a calendar date
    length   2010A NM103 is longer than its maximum of 60
    count    SE01 does not count the set's segments
    hl       the 2000C HL02 names a parent HL01 that the set does not have

Python 3 standard library only.
"""

import random

KINDS = ["missing", "code", "date", "length", "count", "hl"]
# Two faults on the same segment would hide one another.
EXCLUSIVE = [{"missing", "code"}]

BAD_LEVELS_OF_SERVICE = ["Z", "99", "A", "EM", "0"]
BAD_DATES = ["%d0231", "%d1301", "%d0000", "%d0431", "%d1232"]
NAME_MAX = 60
NAME_WORDS = ["CONSOLIDATED", "REGIONAL", "COOPERATIVE", "ASSOCIATED", "BENEFIT", "ADMINISTRATORS",
              "MUTUAL", "INSURANCE", "NETWORK", "SERVICES"]


class Faults:
    """Chooses which sets are invalid and how; keeps a log when asked (tests read it)."""

    def __init__(self, seed, percent, keep_log=False):
        if not 0 <= percent <= 100:
            raise SystemExit("--invalid-percent must be between 0 and 100")
        self.rng = random.Random("faults:%d" % seed)
        self.percent = percent
        self.log = [] if keep_log else None

    def pick(self):
        """The fault kinds for the next set (empty: the set stays valid)."""
        r = self.rng
        if self.percent <= 0 or r.random() * 100 >= self.percent:
            return []
        while True:
            kinds = r.sample(KINDS, r.choice([2, 2, 3]))
            if not any(pair <= set(kinds) for pair in EXCLUSIVE):
                return kinds

    def apply(self, gen, segs, marks, kinds):
        """Changes the segments of one set in place. marks: indexes into segs and the UM elements."""
        r = self.rng
        details = []
        for kind in kinds:
            if kind == "missing":
                segs[marks["event_um"]] = ""
                details.append("2000E UM left out")
            elif kind == "code":
                um = list(marks["um"])
                um[6] = r.choice(BAD_LEVELS_OF_SERVICE)
                segs[marks["event_um"]] = gen.seg(*um)
                details.append("UM06 " + um[6])
            elif kind == "date":
                bht = list(marks["bht"])
                bht[4] = r.choice(BAD_DATES) % r.randrange(2024, 2028)
                segs[marks["bht_at"]] = gen.seg(*bht)
                details.append("BHT04 " + bht[4])
            elif kind == "length":
                payer = list(marks["payer"])
                name = payer[3]
                while len(name) <= NAME_MAX:
                    name += " " + r.choice(NAME_WORDS)
                payer[3] = name
                segs[marks["payer_at"]] = gen.seg(*payer)
                details.append("NM103 of %d characters" % len(name))
            elif kind == "hl":
                hl = list(marks["sub_hl"])
                hl[2] = str(r.choice([hl[1] + 3, hl[1] + 9, hl[1] + 40]))
                segs[marks["sub_hl_at"]] = gen.seg(*hl)
                details.append("2000C HL02 " + hl[2])
            elif kind == "count":
                details.append("SE01")  # the count is off by count_offset() when SE is written
        return details

    def count_offset(self):
        return self.rng.choice([-3, -1, 1, 2, 5])

    def record(self, gs06, st02, kinds, details):
        if self.log is not None:
            self.log.append((str(gs06), st02, tuple(kinds), tuple(details)))
