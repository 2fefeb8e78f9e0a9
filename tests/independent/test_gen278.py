#!/usr/bin/env python3
"""independent.generator: the independent 278 generator keeps its own promises.

Deterministic per seed, valid NPI check digits, control numbers and counts that agree, delimiters
that never occur in data, distinct members and traces. Standard library only.
"""

import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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

    def test_rejects_delimiters_that_occur_in_data(self):
        with self.assertRaises(SystemExit):
            gen278.generate(1, "*:-~", "lf", 1, (1, 1), 1000)
        with self.assertRaises(SystemExit):
            gen278.generate(1, "*::~", "lf", 1, (1, 1), 1000)


if __name__ == "__main__":
    unittest.main()
