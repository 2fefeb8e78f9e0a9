#!/usr/bin/env python3
"""Independent generator of valid 005010X217 278 requests (health care services review).

Written from the implementation-guide facts in the shared reference (x12-278-reference.md),
the TR3-derived code lists of x217-crosscheck.md (the sources' codes, not soc278's) and the
X12 examples of the 278 request. It shares no code or data with soc278's writer, its bench
generator or its samples, so that soc278 can be checked against requests it did not write.

Output is deterministic for a given set of options (one random.Random(seed), no clock).

    gen278.py --preset 3 --size 1M -o out.x12
    gen278.py --seed 7 --delims '|>!\\n' --eol none --groups 2 --size 200K -o out.x12

Python 3 standard library only.
"""

import argparse
import datetime
import random
import sys

from faults278 import Faults

# --- guide facts ----------------------------------------------------------------------------

VERSION = "005010X217"

# UM06 level of service (1338): 03 emergency, E elective, U urgent.
LEVELS_OF_SERVICE = ["E"] * 6 + ["U"] * 3 + ["03"]
# UM02 certification type: I initial, R renewal, S revised, 4 extension, 3 cancel.
CERT_TYPES = ["I"] * 16 + ["R"] * 2 + ["S", "4", "3"]
# 2010A NM101 (sources: 2B, 36, PR, X3) and NM108 (24, 34 in 4010 only, 46, PI, XV).
UMO_ENTITIES = ["X3"] * 12 + ["PR"] * 4 + ["2B", "36"]
UMO_ID_QUALIFIERS = ["PI"] * 6 + ["XV", "46"]
# 2010B NM101 (sources: 1P, 2B, 36, FA, PR).
REQUESTER_ENTITIES = ["1P"] * 14 + ["FA"] * 6 + ["2B", "36", "PR"]
# 2010B REF01 (sources: 1G, 1J, EI, G5, N5, N7, SY, ZH); SSN-like SY is left out.
REQUESTER_REF = ["EI", "EI", "ZH", "1J", "N5", "N7", "G5"]
# PRV01 per loop (sources): 2010B / 2010EA, 2010F.
REQUESTER_PRV = ["PE", "RF", "OR", "AT", "PC"]
EVENT_PROVIDER_PRV = ["PE", "OR", "AT", "RF", "AD", "OT", "PC"]
SERVICE_PROVIDER_PRV = ["PE", "OR", "OT", "PC", "AS"]
# 2010C REF01: codes both sources and the guide list agree on, no SSN.
SUBSCRIBER_REF = ["6P", "1L", "IG", "EJ", "F6", "NQ"]
# 2010D INS02 (sources: 01 spouse, 19 child, G8 other relationship).
DEPENDENT_REL = ["19"] * 6 + ["01"] * 2 + ["G8"]
# PWK01 report type (subset of the 66-code 278 list), PWK02 transmission (request list).
PWK_TYPES = ["09", "08", "03", "04", "05", "06", "LA", "M1", "P5", "OD", "DG", "B3", "PY", "NN", "RT"]
PWK_TRANSMISSION = ["EL"] * 4 + ["FX"] * 3 + ["BM", "EM", "AA", "VO"]
# HSD01 quantity qualifiers for the delivery of an infusion course.
HSD_PATTERNS = ["visits", "visits", "visits", "period", "units"]

# Sites: UM04-1 with UM04-2 B (CMS place of service) or A (two digits of the type of bill).
POS_SITES = [("22", "hospital"), ("19", "hospital"), ("11", "office"), ("11", "infusion"),
             ("12", "home"), ("24", "asc")]
BILL_SITES = [("13", "hospital"), ("83", "asc"), ("85", "hospital")]

# Drugs: HCPCS, name, unit mg, typical dose mg range, doses per course, ICD-10-CM (no point),
# administration pair (initial hour, each additional hour).
DRUGS = [
    ("J1745", "INFLIXIMAB", 10, (300, 900), (4, 8), ["K5090", "K50011", "K5190", "M0579", "M069", "L400", "L4050", "M459"], ("96413", "96415")),
    ("Q5103", "INFLIXIMAB-DYYB", 10, (300, 900), (4, 8), ["K5090", "K5190", "M069", "M0579"], ("96413", "96415")),
    ("Q5104", "INFLIXIMAB-ABDA", 10, (300, 900), (4, 8), ["K5090", "K50012", "M069"], ("96413", "96415")),
    ("Q5121", "INFLIXIMAB-AXXQ", 10, (300, 900), (4, 8), ["K5190", "L400", "M459"], ("96413", "96415")),
    ("J1561", "IMMUNE GLOBULIN", 500, (20000, 90000), (3, 12), ["D801", "D839", "G6181", "G7000", "D693", "M3313"], ("96365", "96366")),
    ("J1569", "IMMUNE GLOBULIN", 500, (20000, 90000), (3, 12), ["D801", "D831", "G6181", "D693"], ("96365", "96366")),
    ("J2350", "OCRELIZUMAB", 1, (300, 600), (1, 2), ["G35"], ("96413", "96415")),
    ("J9312", "RITUXIMAB", 10, (500, 1400), (2, 8), ["M069", "M0579", "M3131", "C8330", "C9110", "G7000"], ("96413", "96415")),
    ("Q5115", "RITUXIMAB-ABBS", 10, (500, 1400), (2, 8), ["M069", "C8330", "C9110"], ("96413", "96415")),
    ("Q5119", "RITUXIMAB-PVVR", 10, (500, 1400), (2, 8), ["M0579", "M3131", "C8330"], ("96413", "96415")),
    ("Q5123", "RITUXIMAB-ARRX", 10, (500, 1400), (2, 8), ["M069", "C9110"], ("96413", "96415")),
    ("J3380", "VEDOLIZUMAB", 1, (300, 300), (3, 8), ["K5090", "K5190", "K50011"], ("96365", "96366")),
    ("J3262", "TOCILIZUMAB", 1, (200, 800), (6, 13), ["M069", "M0579", "M316"], ("96365", "96366")),
    ("J0129", "ABATACEPT", 10, (500, 1000), (6, 13), ["M069", "M0579"], ("96365", "96366")),
    ("J1602", "GOLIMUMAB", 1, (100, 250), (4, 8), ["M069", "L4050", "M459"], ("96365", "96366")),
    ("J2323", "NATALIZUMAB", 1, (300, 300), (6, 13), ["G35", "K5090"], ("96365", "96366")),
    ("J0490", "BELIMUMAB", 10, (400, 1000), (6, 13), ["M3210", "M3214", "M329"], ("96365", "96366")),
    ("J1756", "IRON SUCROSE", 1, (100, 300), (2, 10), ["D509", "D631", "N184"], ("96365", "96366")),
    ("J2507", "PEGLOTICASE", 1, (8, 8), (6, 13), ["M1A9XX1", "M109"], ("96365", "96366")),
]
# Taxonomy codes (10 characters, PXC) by provider kind.
TAXONOMY = {
    "rheum": "207RR0500X", "gastro": "207RG0100X", "neuro": "2084N0400X",
    "heme": "207RH0003X", "allergy": "207K00000X", "internal": "207R00000X",
    "np": "363LF0000X", "hospital": "282N00000X", "infusion": "261QI0500X",
    "home": "251F00000X", "homerx": "3336H0001X", "asc": "261QA1903X", "office": "193200000X",
}
SPECIALTY_FOR_DRUG = {
    "J1745": "gastro", "Q5103": "rheum", "Q5104": "gastro", "Q5121": "gastro", "J1561": "allergy",
    "J1569": "neuro", "J2350": "neuro", "J9312": "heme", "Q5115": "heme", "Q5119": "rheum",
    "Q5123": "heme", "J3380": "gastro", "J3262": "rheum", "J0129": "rheum", "J1602": "rheum",
    "J2323": "neuro", "J0490": "rheum", "J1756": "internal", "J2507": "rheum",
}

LAST = ("ABBOTT ADAIR ALDEN ARCHER ASHBY BAILEY BALDWIN BARRETT BECKETT BENSON BISHOP BLAKE BOONE "
        "BOWEN BRADY BRANDT BRENNAN BROOKS BURKE CALDER CAMPOS CARSON CASTRO CHANDLER CHASE CLAY "
        "COLLIER CONNER CORBIN CROSS DALTON DAVENPORT DAWSON DEAN DELGADO DIXON DOYLE DRAKE DUNCAN "
        "EATON ELLISON EMERY ESPINOZA EVERETT FARLEY FENTON FIELDS FINCH FLYNN FORD FOWLER FROST "
        "GAINES GALLOWAY GARNER GIBBS GILES GLOVER GRAVES GRIMES HALE HAMMOND HANSEN HARDIN HARPER "
        "HAYES HENSLEY HOLLAND HOLT HOUSTON HUFF IBARRA INGRAM IRWIN JARVIS JENSEN JOYCE KEANE KELLER "
        "KEMP KERR KIRBY KNOX LAMBERT LANE LARSON LAWSON LEBLANC LINDSEY LOWE LYNCH MADDEN MALONE "
        "MARSH MATHIS MAYNARD MCBRIDE MCKAY MEDINA MERCER MILES MONROE MOSLEY MURRAY NASH NAVARRO "
        "NOBLE NOLAN NORRIS OCHOA OLSEN ORTEGA OWENS PACE PARRISH PAYNE PEARSON PENA PIERCE PITTS "
        "POPE PRATT PRESTON QUINN RAMSEY RANDALL RAY REESE RHODES RICHMOND RIOS ROACH ROWE RUSH "
        "SALAZAR SAWYER SEXTON SHAFFER SHEPARD SIMS SLOAN SNOW SOTO SPENCER STAFFORD STARK STEELE "
        "STOUT SUTTON TALLEY TATE THORNTON TOWNSEND TRAN TRUJILLO TUCKER VANCE VAUGHN VEGA WADE "
        "WALLS WALSH WARD WARNER WATTS WEBER WELLS WHITLEY WILCOX WILKINS WOLFE WOODARD WYATT YATES "
        "YORK ZAMORA").split()
FIRST = ("AARON ABIGAIL ADRIAN AIDEN ALANA ALBERT ALICE ALMA AMELIA ANDRES ANGELA ANSEL ARLO "
         "AUDREY AUGUST BEATRIX BENNETT BIANCA BRANDON BRIANNA BRUNO CALEB CAMILA CARMEN CELIA "
         "CHARLES CLARA COLIN CORA DAMIAN DANA DARIUS DELIA DESMOND DIANA DOMINIC EDGAR EDITH ELENA "
         "ELIAS ELOISE EMIL ESTHER EVAN FELIX FIONA FLORA FRANCIS GABRIEL GEMMA GIDEON GRACE HAZEL "
         "HECTOR HELENA HOLLIS IAN IMOGEN IRENE IVAN JASPER JOAN JONAH JUDITH JULIAN KEIRA KENNETH "
         "KIRA LAILA LEON LILA LIONEL LORENA LUCAS MABEL MALCOLM MARGO MARTIN MAYA MILO MIRIAM NADIA "
         "NATHAN NINA NOEL NORA OLIVE OMAR OSCAR PAIGE PERCY PHOEBE QUENTIN RAFAEL RAINA REID ROSA "
         "RUFUS SABINE SAMUEL SELMA SILAS SONIA STELLA TESSA THEO TOBIAS URSULA VERA VICTOR VIOLET "
         "WALTER WREN XAVIER YARA YVES ZELDA").split()
STREETS = ("OAK MAPLE CEDAR PINE ELM BIRCH WALNUT CHESTNUT LAUREL WILLOW SPRUCE ASPEN HICKORY "
           "MAGNOLIA POPLAR SYCAMORE JUNIPER HAWTHORN ALDER CYPRESS").split()
STREET_KINDS = ["ST", "AVE", "RD", "DR", "LN", "BLVD", "WAY", "CT", "PKWY"]
CITIES = [("ATLANTA", "GA", "303"), ("SAVANNAH", "GA", "314"), ("AUGUSTA", "GA", "309"),
          ("MACON", "GA", "312"), ("ALBANY", "NY", "122"), ("BUFFALO", "NY", "142"),
          ("ROCHESTER", "NY", "146"), ("SYRACUSE", "NY", "132"), ("PITTSBURGH", "PA", "152"),
          ("HARRISBURG", "PA", "171"), ("ERIE", "PA", "165"), ("COLUMBUS", "OH", "432"),
          ("DAYTON", "OH", "454"), ("RALEIGH", "NC", "276"), ("DURHAM", "NC", "277"),
          ("RICHMOND", "VA", "232"), ("NASHVILLE", "TN", "372"), ("TAMPA", "FL", "336")]
PAYERS = ["PEACHTREE HEALTH PLAN", "EMPIRE CARE ALLIANCE", "KEYSTONE MUTUAL HEALTH",
          "RIVERBEND HEALTH", "BLUE HERON ASSURANCE", "LAKESHORE COMMUNITY PLAN",
          "PIEDMONT MEDICAL BENEFITS", "SUMMIT COVENANT HEALTH", "TIDEWATER HEALTH PARTNERS",
          "GREAT VALLEY HMO", "HIGHLAND PRIME CARE", "MERIDIAN FAMILY HEALTH"]
ORG_WORDS = ["REGIONAL", "COMMUNITY", "UNIVERSITY", "MEMORIAL", "VALLEY", "LAKESIDE", "NORTHSIDE",
             "RIVERSIDE", "ST LUKE", "MERCY", "GRACE", "SUMMIT", "PINE RIDGE", "HARBOR"]
MESSAGES = ["MAINTENANCE DOSE PER PROTOCOL", "LOADING DOSES WEEKS 0 2 6", "RESTART AFTER 7 MONTH GAP",
            "PREMEDICATE WITH ACETAMINOPHEN", "DOSE BY WEIGHT {w} KG", "INITIAL DOSE THEN HOME INFUSION",
            "PRIOR INFUSION REACTION NOTED", "VENOUS ACCESS DIFFICULT", "CONTINUATION OF THERAPY",
            "SLOW RATE TITRATION REQUIRED"]

# Data use only these characters, so no delimiter below may be one of them.
DATA_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-")

# Presets: the five acceptance configurations.
PRESETS = {
    1: dict(seed=1, delims="*:^~", eol="lf", groups=3, sets=(15, 40)),
    2: dict(seed=2, delims="|>!\n", eol="none", groups=1, sets=(40, 90)),
    3: dict(seed=3, delims="^\\{'", eol="crlf", groups=2, sets=(20, 60)),
    4: dict(seed=4, delims="*:>~", eol="none", groups=4, sets=(5, 25)),
    5: dict(seed=5, delims="+<;|", eol="crlf", groups=5, sets=(3, 30)),
}


# --- helpers --------------------------------------------------------------------------------

def luhn_npi(base9):
    """NPI check digit: Luhn over the prefix 80840 and the nine base digits."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


def npi_is_valid(npi):
    return len(npi) == 10 and npi.isdigit() and luhn_npi(npi[:9]) == npi


def d8(d):
    return d.strftime("%Y%m%d")


def parse_size(text):
    text = text.strip().upper()
    mult = 1
    if text.endswith("K"):
        mult, text = 1024, text[:-1]
    elif text.endswith("M"):
        mult, text = 1024 * 1024, text[:-1]
    return int(float(text) * mult)


class Unique:
    """Draws values from a generator function until one has not been seen before."""

    def __init__(self):
        self.seen = set()

    def draw(self, fn):
        for _ in range(10000):
            v = fn()
            if v not in self.seen:
                self.seen.add(v)
                return v
        raise RuntimeError("value space exhausted")


# --- the generator --------------------------------------------------------------------------

class Generator:
    def __init__(self, seed, delims, eol, groups, sets, open_codes=False, distinct=False, faults=None):
        self.rng = random.Random(seed)
        self.open_codes = open_codes
        self.distinct = distinct
        self.faults = faults
        self.elem, self.comp, self.rep, self.term = delims
        self.eol = {"none": "", "lf": "\n", "crlf": "\r\n"}[eol]
        self.groups = groups
        self.sets = sets
        self.unique_ids = Unique()
        self.unique_npis = Unique()
        self.unique_names = Unique()
        self.unique_traces = Unique()
        self.today = datetime.date(2026, 1, 5) + datetime.timedelta(days=self.rng.randrange(0, 300))
        self.isa_ctl = self.rng.randrange(1000, 900000000)
        self.gs_ctl = self.rng.randrange(1, 90000000)
        self.payers = [self.make_payer(name) for name in PAYERS]
        self.providers = [self.make_person_provider() for _ in range(220)]
        self.facilities = [self.make_facility(kind) for kind in
                           ["hospital"] * 40 + ["infusion"] * 30 + ["home"] * 25 + ["asc"] * 15 +
                           ["office"] * 30]
        self.partners = [self.make_partner() for _ in range(6)]

    # pools -------------------------------------------------------------------------------

    def digits(self, n):
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def npi(self):
        return self.unique_npis.draw(lambda: luhn_npi(self.rng.choice("12") + self.digits(8)))

    def address(self):
        city, state, zip3 = self.rng.choice(CITIES)
        street = "%d %s %s" % (self.rng.randrange(10, 9999), self.rng.choice(STREETS),
                               self.rng.choice(STREET_KINDS))
        z = zip3 + self.digits(2)
        if self.rng.random() < 0.4:
            z += self.digits(4)
        suite = ("STE %d" % self.rng.randrange(100, 900)) if self.rng.random() < 0.2 else None
        return street, suite, city, state, z

    def phone(self):
        return self.rng.choice("2345678") + self.digits(9)

    def make_payer(self, name):
        return dict(entity=self.rng.choice(UMO_ENTITIES), name=name,
                    qual=self.rng.choice(UMO_ID_QUALIFIERS),
                    id=self.rng.choice(["", "", "SX"]) + self.digits(self.rng.choice([5, 5, 9])))

    def make_person_provider(self, kind=None):
        name = lambda: (self.rng.choice(LAST), self.rng.choice(FIRST))  # noqa: E731
        # --distinct makes one provider per set: the NPI stays unique, the name cannot.
        last, first = name() if kind else self.unique_names.draw(name)
        kind = kind or self.rng.choice(["rheum", "gastro", "neuro", "heme", "allergy", "internal", "np"])
        return dict(person=True, last=last, first=first, middle=self.rng.choice("ABCDEFGHJKLMNPRSTW"),
                    npi=self.npi(), taxonomy=TAXONOMY[kind], kind=kind, address=self.address(),
                    phone=self.phone(), ein=self.rng.choice("1234589") + self.digits(8))

    def make_facility(self, kind):
        word = self.rng.choice(ORG_WORDS)
        label = {"hospital": ["HOSPITAL OUTPATIENT INFUSION", "MEDICAL CENTER INFUSION DEPT",
                              "HOSPITAL"],
                 "infusion": ["INFUSION CENTER", "AMBULATORY INFUSION SUITE", "INFUSION CLINIC"],
                 "home": ["HOME INFUSION", "HOME INFUSION PHARMACY"],
                 "asc": ["SURGERY CENTER", "AMBULATORY SURGERY CENTER"],
                 "office": ["RHEUMATOLOGY ASSOCIATES", "GI CONSULTANTS", "NEUROLOGY GROUP",
                            "HEMATOLOGY ONCOLOGY PA", "IMMUNOLOGY CLINIC"]}[kind]
        taxonomy = {"hospital": "hospital", "infusion": "infusion",
                    "home": self.rng.choice(["home", "homerx"]), "asc": "asc",
                    "office": "office"}[kind]
        name = "%s %s %d" % (word, self.rng.choice(label), self.rng.randrange(1, 99))
        return dict(person=False, name=name, npi=self.npi(), taxonomy=TAXONOMY[taxonomy], kind=kind,
                    address=self.address(), phone=self.phone(),
                    ein=self.rng.choice("1234589") + self.digits(8))

    def make_partner(self):
        sender = "PRV" + self.digits(self.rng.choice([6, 9, 12]))
        receiver = "UMO" + self.digits(self.rng.choice([5, 8]))
        return dict(sender=sender, receiver=receiver, ack=self.rng.choice("01"),
                    usage=self.rng.choice("TPP"))

    # serialization ------------------------------------------------------------------------

    def seg(self, *elements):
        """One segment; an element given as a list is a composite. Trailing empties dropped."""
        parts = []
        for e in elements:
            if isinstance(e, (list, tuple)):
                comps = [str(c) if c is not None else "" for c in e]
                while comps and comps[-1] == "":
                    comps.pop()
                parts.append(self.comp.join(comps))
            else:
                parts.append("" if e is None else str(e))
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        for p in parts:
            bad = set(p) - DATA_CHARS - {self.comp}
            if bad:
                raise ValueError("data character %r in %r" % (bad, parts))
        return self.elem.join(parts) + self.term + self.eol

    # loops ------------------------------------------------------------------------------

    def name_segs(self, entity, who, qual="XX"):
        if who["person"]:
            return self.seg("NM1", entity, "1", who["last"], who["first"], who["middle"], "", "",
                            qual, who["npi"])
        return self.seg("NM1", entity, "2", who["name"], "", "", "", "", qual, who["npi"])

    def address_segs(self, who):
        street, suite, city, state, z = who["address"]
        return self.seg("N3", street, suite) + self.seg("N4", city, state, z)

    def provider_loop(self, entity, who, prv_roles, with_address, with_per=False, ref_codes=None):
        out = self.name_segs(entity, who)
        if ref_codes and self.rng.random() < 0.2:
            code = self.rng.choice(ref_codes)
            out += self.seg("REF", code, who["ein"] if code == "EI" else "P" + self.digits(7))
        if with_address:
            out += self.address_segs(who)
        if with_per:
            out += self.seg("PER", "IC", "PA DESK", "TE", who["phone"],
                            *(("FX", self.phone()) if self.rng.random() < 0.4 else ()))
        if prv_roles and self.rng.random() < 0.6:
            out += self.seg("PRV", self.rng.choice(prv_roles), "PXC", who["taxonomy"])
        return out

    def trace(self, prefix):
        return self.unique_traces.draw(lambda: prefix + self.digits(self.rng.choice([8, 10, 12])))

    def member(self, birth_from, birth_to):
        last = self.rng.choice(LAST)
        first = self.rng.choice(FIRST)
        span = (birth_to - birth_from).days
        birth = birth_from + datetime.timedelta(days=self.rng.randrange(0, span))
        return dict(last=last, first=first, middle=self.rng.choice(["", "", "A", "J", "M", "R", "T"]),
                    birth=birth, sex=self.rng.choice("FFFFFMMMMMU"),
                    address=self.address())

    def transaction(self, st02, created):
        """One ST..SE set: one patient event with its service lines. Returns (text, segcount)."""
        r = self.rng
        faults = self.faults.pick() if self.faults else []
        marks = {}
        if self.distinct:
            # Low repetition: every set its own date, providers and facility (see below).
            created = created + datetime.timedelta(days=r.randrange(0, 200))
        segs = []
        segs.append(self.seg("ST", "278", st02, VERSION))
        bht = ["BHT", "0007", "13", self.trace("R"), d8(created), "%02d%02d" % (r.randrange(6, 20), r.randrange(60))]
        if r.random() < 0.1:
            bht.append("RU")
        marks.update(bht=bht, bht_at=len(segs))
        segs.append(self.seg(*bht))
        hl = 1
        segs.append(self.seg("HL", hl, "", "20", "1"))
        payer = r.choice(self.payers)
        payer_nm1 = ["NM1", payer["entity"], "2", payer["name"], "", "", "", "", payer["qual"], payer["id"]]
        marks.update(payer=payer_nm1, payer_at=len(segs))
        segs.append(self.seg(*payer_nm1))

        # 2000B requester: a physician or the facility that will infuse.
        drug = r.choice(DRUGS)
        code, drug_name, unit_mg, dose_range, doses_range, diagnoses, admin = drug
        site_code, site_qual, site_kind = self.pick_site()
        specialty = SPECIALTY_FOR_DRUG[code]
        doctors = [p for p in self.providers if p["kind"] == specialty] or self.providers
        doctor = r.choice(doctors)
        facility = r.choice([f for f in self.facilities if f["kind"] == site_kind])
        if self.distinct:
            doctor = self.make_person_provider(specialty)
            facility = self.make_facility(site_kind)
        hl += 1
        segs.append(self.seg("HL", hl, "1", "21", "1"))
        req_entity = r.choice(REQUESTER_ENTITIES)
        requester = doctor if req_entity == "1P" else facility
        nm1 = self.name_segs(req_entity, requester)
        segs.append(nm1)
        if r.random() < 0.25:
            ref = r.choice(REQUESTER_REF)
            segs.append(self.seg("REF", ref, requester["ein"] if ref == "EI" else "R" + self.digits(8)))
        segs.append(self.address_segs(requester))
        if r.random() < 0.7:
            segs.append(self.seg("PER", "IC", r.choice(["PRIOR AUTH", "INTAKE", "", "NURSE LINE"]), "TE", requester["phone"],
                                 *(("EX", str(r.randrange(10, 999))) if r.random() < 0.2 else ())))
        if r.random() < 0.5:
            segs.append(self.seg("PRV", r.choice(REQUESTER_PRV), "PXC", requester["taxonomy"]))

        # 2000C subscriber, 2000D dependent sometimes.
        dependent = r.random() < 0.15
        hl += 1
        parent = hl
        marks.update(sub_hl=["HL", hl, hl - 1, "22", "1"], sub_hl_at=len(segs))
        segs.append(self.seg(*marks["sub_hl"]))
        sub = self.member(datetime.date(1942, 1, 1), datetime.date(2004, 12, 31))
        member_id = self.unique_ids.draw(lambda: r.choice(["", "", "W", "XZ", "M"]) + self.digits(r.choice([9, 10, 11])))
        segs.append(self.seg("NM1", "IL", "1", sub["last"], sub["first"], sub["middle"], "", "",
                             self.subscriber_id_qualifier(), member_id))
        if r.random() < 0.3:
            segs.append(self.seg("REF", r.choice(SUBSCRIBER_REF), "G" + self.digits(6)))
        if r.random() < 0.3:
            segs.append(self.address_segs(sub))
        if not dependent:
            segs.append(self.seg("DMG", "D8", d8(sub["birth"]), sub["sex"]))
        elif r.random() < 0.5:
            segs.append(self.seg("DMG", "D8", d8(sub["birth"]), sub["sex"]))
        if dependent:
            hl += 1
            segs.append(self.seg("HL", hl, parent, "23", "1"))
            parent = hl
            dep = self.member(datetime.date(2006, 1, 1), datetime.date(2023, 12, 31))
            rel = r.choice(DEPENDENT_REL)
            if rel == "01":
                dep = self.member(datetime.date(1950, 1, 1), datetime.date(2000, 12, 31))
            segs.append(self.seg("NM1", "QC", "1", sub["last"] if rel != "G8" else dep["last"], dep["first"], dep["middle"]))
            if r.random() < 0.2:
                segs.append(self.address_segs(dep))
            segs.append(self.seg("DMG", "D8", d8(dep["birth"]), dep["sex"]))
            if r.random() < 0.5:
                segs.append(self.seg("INS", "N", rel))

        # 2000E patient event.
        hl += 1
        event_hl = hl
        segs.append(self.seg("HL", hl, parent, "EV", "1"))
        event_trace = self.trace("EV")
        segs.append(self.seg("TRN", "1", event_trace, "1" + requester["ein"]))
        if r.random() < 0.1:
            segs.append(self.seg("TRN", "1", self.trace("CH"), "9" + self.digits(9), "CLEARINGHOUSE"))
        cert = r.choice(CERT_TYPES)
        um01 = r.choice(["HS"] * 9 + ["SC"])
        um03 = "42" if site_kind == "home" and r.random() < 0.5 else r.choice(["1"] * 5 + ["78"] if code in ("J9312", "Q5115", "Q5119", "Q5123") else ["1"])
        # UM06 level of service is sent on nine events in ten; UM07 current health condition rarely.
        um = ["UM", um01, cert, um03, [site_code, site_qual], "",
              r.choice(LEVELS_OF_SERVICE) if r.random() < 0.9 else "",
              r.choice(["2", "3", "5"]) if r.random() < 0.1 else ""]
        marks.update(um=um, event_um=len(segs))
        segs.append(self.seg(*um))
        if cert in ("R", "S", "4", "3"):
            segs.append(self.seg("REF", "BB", "AUTH" + self.digits(8)))
        start = created + datetime.timedelta(days=r.randrange(1, 400 if self.distinct else 30))
        months = r.choice([1, 3, 6, 6, 12])
        end = start + datetime.timedelta(days=30 * months - 1)
        if r.random() < 0.3:
            onset = start - datetime.timedelta(days=r.randrange(30, 2000))
            segs.append(self.seg("DTP", "431", "D8", d8(onset)))
        if r.random() < 0.8:
            if r.random() < 0.8:
                segs.append(self.seg("DTP", "AAH", "RD8", "%s-%s" % (d8(start), d8(end))))
            else:
                segs.append(self.seg("DTP", "AAH", "D8", d8(start)))
        dx = [r.choice(diagnoses)]
        for extra in r.sample(diagnoses, k=min(len(diagnoses), r.randrange(0, 3))):
            if extra not in dx:
                dx.append(extra)
        if r.random() < 0.2:
            dx.append(r.choice(["Z79899", "Z5112", "E6601", "I10", "E119", "Z992"]))
        hi = ["HI"]
        for i, c in enumerate(dx):
            comp = ["ABK" if i == 0 else "ABF", c]
            if i == 0 and r.random() < 0.15:
                comp += ["D8", d8(start - datetime.timedelta(days=r.randrange(60, 3000)))]
            hi.append(comp)
        segs.append(self.seg(*hi))
        doses = r.randrange(doses_range[0], doses_range[1] + 1)
        if r.random() < 0.4:
            segs.append(self.seg("HSD", "VS", doses))
        if r.random() < 0.3:
            segs.append(self.pwk())
        # 2010EA: the requested site and the ordering physician.
        # The requested site is always named (pyx12's X217 map makes 2010EA required).
        if True:
            segs.append(self.provider_loop("FA" if site_kind != "office" or r.random() < 0.5 else "77",
                                           facility, EVENT_PROVIDER_PRV, True, r.random() < 0.3,
                                           ["EI", "1J", "N5", "ZH", "0B", "N7"]))
        if r.random() < 0.5:
            segs.append(self.provider_loop(r.choice(["DK", "DK", "SJ", "71", "P3"]), doctor,
                                           EVENT_PROVIDER_PRV, r.random() < 0.5, r.random() < 0.2))

        # 2000F lines: the drug, its administration, sometimes a second drug.
        lines = [("drug", drug)]
        lines.append(("admin", admin[0], 1))
        hours = r.choice([0, 0, 1, 1, 2, 3])
        if hours:
            lines.append(("admin", admin[1], hours))
        if r.random() < 0.12:
            other = r.choice(DRUGS)
            if other[0] != code:
                lines.append(("drug", other))
        use_sv2 = site_qual == "A"
        line_site = r.random() < 0.8
        for line in lines:
            hl += 1
            segs.append(self.seg("HL", hl, event_hl, "SS", "0"))
            if r.random() < 0.7:
                segs.append(self.seg("TRN", "1", self.trace("LN"), "1" + requester["ein"]))
            if line_site:
                segs.append(self.seg("UM", um01, cert, um03, [site_code, site_qual]))
            else:
                segs.append(self.seg("UM", um01, cert))
            if r.random() < 0.8:
                if r.random() < 0.8:
                    segs.append(self.seg("DTP", "472", "RD8", "%s-%s" % (d8(start), d8(end))))
                else:
                    segs.append(self.seg("DTP", "472", "D8", d8(start)))
            if line[0] == "drug":
                lcode, _, lunit, ldose, _, _, _ = line[1]
                units = max(1, round(r.randrange(ldose[0], ldose[1] + 1) / lunit))
                amount = units * r.randrange(3, 90)
                mods = ["JZ"] if r.random() < 0.3 else []
                qty = units * doses
            else:
                lcode, units = line[1], line[2]
                amount = units * r.randrange(80, 400)
                mods = []
                qty = units * doses
            amount_text = str(amount) if r.random() < 0.7 else "%d.%02d" % (amount, r.randrange(100))
            if use_sv2:
                rev = "0636" if line[0] == "drug" else "0260"
                segs.append(self.seg("SV2", rev, ["HC", lcode] + mods, amount_text, "UN", qty))
            else:
                # SV107 points at the diagnoses in HI (1-based); pyx12's X217 map requires it.
                pointers = [str(i + 1) for i in range(min(len(dx), r.choice([1, 1, 2, 4])))]
                sv1 = ["SV1", ["HC", lcode] + mods, amount_text if r.random() < 0.8 else "", "UN", qty,
                       "", "", pointers]
                segs.append(self.seg(*sv1))
            if r.random() < 0.5:
                segs.append(self.seg("HSD", "VS", doses) if r.random() < 0.8 else
                            self.seg("HSD", "VS", "1", "", "", "35", str(r.randrange(2, 9))))
            if r.random() < 0.15:
                segs.append(self.pwk())
            if r.random() < 0.15:
                segs.append(self.seg("MSG", r.choice(MESSAGES).format(w=r.randrange(40, 130))))
            if r.random() < 0.35:
                who = r.choice([doctor, facility])
                entity = "SJ" if r.random() < 0.7 else ("FA" if not who["person"] else "DK")
                segs.append(self.provider_loop(entity, who, SERVICE_PROVIDER_PRV, r.random() < 0.3))
        details = self.faults.apply(self, segs, marks, faults) if faults else []
        count = sum(s.count(self.term) for s in segs) + 1
        if "count" in faults:
            offset = self.faults.count_offset()
            count += offset
            details[faults.index("count")] = "SE01 %d" % count
        if faults:
            self.faults.record(self.gs_ctl, st02, faults, details)
        segs.append(self.seg("SE", count, st02))
        return "".join(segs)

    def subscriber_id_qualifier(self):
        # 2010C NM108: MI everywhere. II is only in the pyx12-converter map (an open question for
        # the X217 code list), so it is written only with --open-codes. Either way one draw, so
        # the rest of the output does not depend on the option.
        draw = self.rng.random()
        return "II" if self.open_codes and draw < 0.1 else "MI"

    def pwk(self):
        r = self.rng
        how = r.choice(PWK_TRANSMISSION)
        if how in ("AA", "VO"):
            return self.seg("PWK", r.choice(PWK_TYPES), how)
        return self.seg("PWK", r.choice(PWK_TYPES), how, "", "", "AC", "DOC" + self.digits(r.choice([6, 9, 12])))

    def pick_site(self):
        r = self.rng
        if r.random() < 0.8:
            code, kind = r.choice(POS_SITES)
            return code, "B", kind
        code, kind = r.choice(BILL_SITES)
        return code, "A", kind

    # envelopes -----------------------------------------------------------------------------

    def interchange(self, emit, budget):
        """Writes one interchange through emit(text) piece by piece; returns its length."""
        r = self.rng
        partner = r.choice(self.partners)
        self.isa_ctl += r.randrange(1, 50)
        created = self.today
        self.today += datetime.timedelta(days=r.choice([0, 0, 1]))
        isa = [
            "ISA", "00", " " * 10, "00", " " * 10,
            "ZZ", partner["sender"].ljust(15), "ZZ", partner["receiver"].ljust(15),
            created.strftime("%y%m%d"), "%02d%02d" % (r.randrange(24), r.randrange(60)),
            self.rep, "00501", "%09d" % self.isa_ctl, partner["ack"], partner["usage"],
        ]
        head = self.elem.join(isa) + self.elem + self.comp + self.term + self.eol
        emit(head)
        size = len(head)
        groups = 0
        for _ in range(self.groups):
            self.gs_ctl += r.randrange(1, 20)
            gs = self.seg("GS", "HI", partner["sender"], partner["receiver"], d8(created),
                          "%02d%02d" % (r.randrange(24), r.randrange(60)) + ("%02d" % r.randrange(60) if r.random() < 0.3 else ""),
                          self.gs_ctl, "X", VERSION)
            emit(gs)
            size += len(gs)
            n = r.randrange(self.sets[0], self.sets[1] + 1)
            st_base = r.randrange(1, 5000)
            made = 0
            for i in range(n):
                st02 = "%04d" % (st_base + i)
                t = self.transaction(st02, created)
                emit(t)
                size += len(t)
                made += 1
                if size >= budget:
                    break
            ge = self.seg("GE", made, self.gs_ctl)
            emit(ge)
            size += len(ge)
            groups += 1
            if size >= budget:
                break
        iea = self.seg("IEA", groups, "%09d" % self.isa_ctl)
        emit(iea)
        return size + len(iea)


def generate(seed, delims, eol, groups, sets, size, open_codes=False, distinct=False, invalid_percent=0,
             faults_log=None):
    """The whole file as one string (tests); faults_log, a list, receives the fault log."""
    out = []
    write(out.append, seed, delims, eol, groups, sets, size, open_codes, distinct, invalid_percent, faults_log)
    return "".join(out)


def write(emit, seed, delims, eol, groups, sets, size, open_codes=False, distinct=False, invalid_percent=0,
          faults_log=None):
    """Writes the file through emit(text) as it is made, so any size takes little memory."""
    if len(delims) != 4 or len(set(delims)) != 4:
        raise SystemExit("--delims needs four distinct characters (element, component, repetition, terminator)")
    for c in delims:
        if c.isalnum() or c in DATA_CHARS:
            raise SystemExit("delimiter %r may occur in data" % c)
    if delims[3] in "\r\n" and eol != "none":
        raise SystemExit("a line-break terminator needs --eol none")
    faults = Faults(seed, invalid_percent, keep_log=faults_log is not None) if invalid_percent else None
    gen = Generator(seed, delims, eol, groups, sets, open_codes, distinct, faults)
    total = 0
    while total < size:
        total += gen.interchange(emit, size - total)
    if faults_log is not None and faults:
        faults_log.extend(faults.log)


def unescape(text):
    """Reads \\n, \\r, \\t and \\\\ in a --delims value; every other character stands for itself."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "nrt\\":
            out.append({"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", type=int, choices=sorted(PRESETS), help="one of the five acceptance configurations")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--delims", help="element, component, repetition, terminator (\\n, \\r, \\t, \\\\ escapes)")
    ap.add_argument("--eol", choices=["none", "lf", "crlf"], help="line break written after each terminator")
    ap.add_argument("--groups", type=int, help="functional groups per interchange")
    ap.add_argument("--sets", help="transaction sets per group, MIN-MAX")
    ap.add_argument("--size", default="1M", help="stop once the file reaches this size (K, M suffixes)")
    ap.add_argument("--open-codes", action="store_true",
                    help="also write codes only one source allows (2010C NM108 II)")
    ap.add_argument("--distinct", action="store_true",
                    help="low repetition: a new provider, facility and request date in every set "
                         "(members and trace numbers are always distinct)")
    ap.add_argument("--invalid-percent", type=float, default=0, metavar="P",
                    help="make about P %% of the sets invalid, each with two or three seeded faults of "
                         "different kinds (faults278.py); 100 makes every set invalid")
    ap.add_argument("-o", "--output", help="output file (default: standard output)")
    args = ap.parse_args(argv)
    cfg = dict(PRESETS[args.preset]) if args.preset else dict(seed=1, delims="*:^~", eol="lf", groups=1, sets=(10, 30))
    if args.seed is not None:
        cfg["seed"] = args.seed
    if args.delims is not None:
        cfg["delims"] = unescape(args.delims)
    if args.eol is not None:
        cfg["eol"] = args.eol
    if args.groups is not None:
        cfg["groups"] = args.groups
    if args.sets is not None:
        lo, _, hi = args.sets.partition("-")
        cfg["sets"] = (int(lo), int(hi or lo))
    if cfg["delims"][3] in "\r\n":
        cfg["eol"] = "none"
    out = open(args.output, "wb") if args.output else sys.stdout.buffer
    try:
        write(lambda text: out.write(text.encode("ascii")), cfg["seed"], cfg["delims"], cfg["eol"], cfg["groups"],
              cfg["sets"], parse_size(args.size), args.open_codes, args.distinct, args.invalid_percent)
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
