#!/usr/bin/env python3
"""independent.generator: the independent 278 generator keeps its own promises.

Deterministic per seed, valid NPI check digits, control numbers and counts that agree, delimiters
that never occur in data, distinct members and traces. Standard library only.
"""

import collections
import datetime
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults278  # noqa: E402
import gen278  # noqa: E402


def split(text):
    """Reads the delimiters from the ISA like a receiver would and yields element lists."""
    elem, rep, comp, term = text[3], text[82], text[104], text[105]
    for raw in text.split(term):
        raw = raw.strip("\r\n")
        if raw:
            yield raw.split(elem), comp, rep


class GeneratorTest(unittest.TestCase):
    def presets(self, size="40K"):
        for n, cfg in sorted(gen278.PRESETS.items()):
            yield n, cfg, gen278.generate(cfg["seed"], cfg["delims"], cfg["eol"], cfg["groups"],
                                          cfg["sets"], gen278.parse_size(size))

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        cfg = gen278.PRESETS[3]
        args = (cfg["delims"], cfg["eol"], cfg["groups"], cfg["sets"], 30000)
        self.assertEqual(gen278.generate(3, *args), gen278.generate(3, *args))
        self.assertNotEqual(gen278.generate(3, *args), gen278.generate(4, *args))

    def test_npi_check_digit(self):
        # The worked example in CMS's NPI check-digit note: 123456789 -> 1234567893.
        self.assertEqual(gen278.luhn_npi("123456789"), "1234567893")
        self.assertFalse(gen278.npi_is_valid("1234567890"))

    def test_envelopes_counts_and_identifiers(self):
        for n, cfg, text in self.presets():
            with self.subTest(preset=n):
                self.assertEqual(text[3], cfg["delims"][0])
                self.assertEqual(text[104], cfg["delims"][1])
                self.assertEqual(text[82], cfg["delims"][2])
                self.assertEqual(text[105], cfg["delims"][3])
                isa = groups = sets = seg_in_set = 0
                isa13 = gs06 = st02 = None
                npis, members, traces = [], [], []
                group_ids = set()
                for el, comp, rep in split(text):
                    sid = el[0]
                    self.assertTrue(all(e == e.strip() or sid == "ISA" for e in el), el)
                    if sid == "ISA":
                        self.assertEqual(len(el), 17)
                        isa, groups, isa13 = isa + 1, 0, el[13]
                        group_ids = set()
                    elif sid == "GS":
                        groups, sets, gs06 = groups + 1, 0, el[6]
                        self.assertNotIn(gs06, group_ids)
                        group_ids.add(gs06)
                    elif sid == "ST":
                        sets, seg_in_set, st02 = sets + 1, 0, el[2]
                    if st02 is not None:
                        seg_in_set += 1
                    if sid == "SE":
                        self.assertEqual((int(el[1]), el[2]), (seg_in_set, st02))
                        st02 = None
                    elif sid == "GE":
                        self.assertEqual((int(el[1]), el[2]), (sets, gs06))
                    elif sid == "IEA":
                        self.assertEqual((int(el[1]), el[2]), (groups, isa13))
                    elif sid == "NM1" and len(el) > 9 and el[8] == "XX":
                        npis.append(el[9])
                    elif sid == "NM1" and el[1] == "IL":
                        members.append(el[9])
                    elif sid == "TRN":
                        traces.append(el[2])
                    for e in el[1:] if sid != "ISA" else []:
                        self.assertFalse(set(e) - gen278.DATA_CHARS - {comp}, (sid, e))
                        self.assertNotIn(rep, e)
                self.assertGreaterEqual(isa, 1)
                self.assertTrue(npis and all(gen278.npi_is_valid(x) for x in npis))
                self.assertEqual(len(members), len(set(members)), "member ids repeat")
                self.assertEqual(len(traces), len(set(traces)), "trace numbers repeat")

    def test_variety(self):
        seen = collections.Counter()
        for _, _, text in self.presets("200K"):
            for el, comp, _ in split(text):
                if el[0] == "UM" and len(el) > 6:
                    seen["UM06=" + el[6]] += 1
                if el[0] == "UM" and len(el) > 4 and el[4]:
                    seen["UM04-2=" + el[4].split(comp)[1]] += 1
                if el[0] == "HL":
                    seen["HL03=" + el[3]] += 1
                if el[0] in ("SV1", "SV2"):
                    seen[el[0]] += 1
                if el[0] == "PRV":
                    seen["PRV02=" + el[2]] += 1
                if el[0] == "PWK":
                    seen["PWK"] += 1
        for key in ["UM06=E", "UM06=U", "UM06=03", "UM04-2=A", "UM04-2=B", "HL03=23", "SV1", "SV2",
                    "PRV02=PXC", "PWK"]:
            self.assertGreater(seen[key], 0, key)

    def test_streamed_output_is_the_same_file(self):
        pieces = []
        gen278.write(pieces.append, 9, "*:^~", "lf", 1, (100000, 100000), 50000, invalid_percent=30)
        self.assertGreater(len(pieces), 10)
        self.assertEqual("".join(pieces), gen278.generate(9, "*:^~", "lf", 1, (100000, 100000), 50000,
                                                          invalid_percent=30))


def sets_of(text):
    """(GS06, ST02, [element lists]) for every transaction set, SE included."""
    gs06, current = None, None
    for el, comp, rep in split(text):
        if el[0] == "GS":
            gs06 = el[6]
        elif el[0] == "ST":
            current = [el]
        elif current is not None:
            current.append(el)
            if el[0] == "SE":
                yield gs06, current[0][2], current
                current = None


def is_date(text):
    try:
        datetime.datetime.strptime(text, "%Y%m%d")
        return len(text) == 8
    except ValueError:
        return False


def fault_holds(kind, seg):
    """Whether the set (element lists) is invalid the way the fault kind says, read independently."""
    ids = [el[0] for el in seg]
    if kind == "missing":
        ev = next(i for i, el in enumerate(seg) if el[0] == "HL" and el[3] == "EV")
        nxt = next((i for i in range(ev + 1, len(seg)) if seg[i][0] == "HL"), len(seg))
        return "UM" not in ids[ev:nxt]
    if kind == "code":
        um = next(el for el in seg if el[0] == "UM")
        return len(um) > 6 and um[6] not in ("", "03", "E", "U")
    if kind == "date":
        bht = next(el for el in seg if el[0] == "BHT")
        return not is_date(bht[4])
    if kind == "length":
        return len(seg[3][3]) > 60 and seg[2][3] == "20" and seg[3][0] == "NM1"
    if kind == "count":
        return int(seg[-1][1]) != len(seg)
    if kind == "hl":
        seen, bad = set(), False
        for el in seg:
            if el[0] == "HL":
                bad |= el[2] != "" and el[2] not in seen
                seen.add(el[1])
        return bad
    raise AssertionError(kind)


class FaultTest(unittest.TestCase):
    """--invalid-percent: seeded faults of several kinds, each one really invalid."""

    def generate(self, percent, size=120000, seed=21):
        log = []
        text = gen278.generate(seed, "*:^~", "lf", 1, (100000, 100000), size, invalid_percent=percent,
                               faults_log=log)
        return text, log

    def test_every_set_invalid_at_100_percent_each_fault_holds(self):
        text, log = self.generate(100)
        sets = list(sets_of(text))
        self.assertGreater(len(sets), 50)
        self.assertEqual([(g, st) for g, st, _ in sets], [(g, st) for g, st, _, _ in log])
        kinds_seen = set()
        for (gs06, st02, seg), (_, _, kinds, details) in zip(sets, log):
            self.assertGreaterEqual(len(set(kinds)), 2, (st02, kinds))
            self.assertEqual(len(kinds), len(details))
            for kind in kinds:
                kinds_seen.add(kind)
                self.assertTrue(fault_holds(kind, seg), (st02, kind, details))
        self.assertEqual(kinds_seen, set(faults278.KINDS))

    def test_a_fault_kind_is_not_claimed_where_it_was_not_made(self):
        # The checks above are not vacuous: on the sets of a clean file none of them holds.
        text, log = self.generate(0)
        self.assertEqual(log, [])
        for _, st02, seg in sets_of(text):
            for kind in faults278.KINDS:
                self.assertFalse(fault_holds(kind, seg), (st02, kind))

    def test_share_of_invalid_sets_and_valid_sets_unchanged(self):
        clean = {(g, st): seg for g, st, seg in sets_of(self.generate(0, 300000)[0])}
        text, log = self.generate(20, 300000)
        faulty = {(g, st) for g, st, _, _ in log}
        sets = list(sets_of(text))
        share = len(faulty) / len(sets)
        self.assertTrue(0.12 < share < 0.28, share)
        for g, st, seg in sets:
            if (g, st) in faulty:
                self.assertNotEqual(seg, clean.get((g, st)))
            elif (g, st) in clean:
                self.assertEqual(seg, clean[(g, st)], st)

    def test_same_seed_same_faults(self):
        self.assertEqual(self.generate(20, 60000), self.generate(20, 60000))
        self.assertNotEqual(self.generate(20, 60000)[1], self.generate(20, 60000, seed=22)[1])

    def test_percent_out_of_range(self):
        with self.assertRaises(SystemExit):
            self.generate(120, 1000)


class DistinctTest(unittest.TestCase):
    """--distinct: low repetition, every set its own providers, request date and member."""

    def test_providers_dates_members_traces_differ_per_set(self):
        text = gen278.generate(5, "*:^~", "lf", 2, (20, 60), 300000, distinct=True)
        requesters, sites, dates, members, traces, n = [], [], [], [], [], 0
        for _, _, seg in sets_of(text):
            n += 1
            npis = [el[9] for el in seg if el[0] == "NM1" and len(el) > 9 and el[8] == "XX"]
            requesters.append(npis[0])
            sites.append(next(el[9] for el in seg if el[0] == "NM1" and el[1] in ("FA", "77")))
            dates.append(next(el[4] for el in seg if el[0] == "BHT"))
            members.append(next(el[9] for el in seg if el[0] == "NM1" and el[1] == "IL"))
            traces += [el[2] for el in seg if el[0] == "TRN"]
        self.assertGreater(n, 100)
        self.assertEqual(len(set(requesters)), n)
        self.assertEqual(len(set(sites)), n)
        self.assertEqual(len(set(members)), n)
        self.assertEqual(len(set(traces)), len(traces))
        self.assertGreater(len(set(dates)), 100)  # 200 possible request dates
        # Without the option providers come from pools and repeat.
        pooled = gen278.generate(5, "*:^~", "lf", 2, (20, 60), 300000)
        sites = [next(el[9] for el in seg if el[0] == "NM1" and el[1] in ("FA", "77")) for _, _, seg in sets_of(pooled)]
        self.assertLess(len(set(sites)), len(sites) / 2)


class CheckRejectsTest(unittest.TestCase):
    def test_rejects_delimiters_that_occur_in_data(self):
        with self.assertRaises(SystemExit):
            gen278.generate(1, "*:-~", "lf", 1, (1, 1), 1000)
        with self.assertRaises(SystemExit):
            gen278.generate(1, "*::~", "lf", 1, (1, 1), 1000)


if __name__ == "__main__":
    unittest.main()
