#!/usr/bin/env python3
"""Writes tests/conformance/x217-tr3-codes.tsv: every code list of every element (and component) of
grammars/ (278 request, 278 response, 999) next to the codes TR3-derived public sources give.

Usage:
  scripts/x217-tr3-table.py --ef EF_DIR --px PX_DIR [--grammars grammars] [--previous TSV] --out TSV

EF_DIR holds EF_HIPAA_005010_278.cs, EF_HIPAA_005010_Segments.cs, EF_HIPAA_005010_Codes.cs and
EF_HIPAA_005010_999.cs from EdiFabric/X12.NET at 800ea9e5cfc2c101dcda4f9a377450ae422a2ab8
(EdiFabric.Examples.X12.Templates.V5010.NoValidation/); PX_DIR holds 278.5010.X217.A1.xml,
278.5010.X217.27.A1.xml and 999.5010X231.A1.xml from kumarerubandi/pyx12-converter at
beb003199d14d51aa61dfafbe5c0d3895837178d (pyx12/map/). Neither is kept in this repository.

Only code values are read from the sources. A row whose codes equal the source's keeps the verdict it
had in --previous ('src' when this table made the change); new equal rows are 'same'. Rows that differ
are 'tol' where listed in TOLERATED, else 'open' (decided in grammars/README.md section 5).
"""
import argparse
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

import yaml

HEADER = """# x217-tr3-codes.tsv - every code list of every element (and component) of soc278's grammars/ for the
# 005010X217 278 request and response and the 005010X231A1 999, compared with TR3-derived public sources.
# Facts only (code values); no source code copied.
# Sources:
#   EF    EdiFabric/X12.NET @ 800ea9e5cfc2c101dcda4f9a377450ae422a2ab8
#         EdiFabric.Examples.X12.Templates.V5010.NoValidation/EF_HIPAA_005010_278.cs (loops, occurrences),
#         EF_HIPAA_005010_Segments.cs ([Segment] attribute: code classes of the segment's leading coded
#         elements), EF_HIPAA_005010_Codes.cs ([EdiCodes] lists). The NoValidation template links code
#         lists only through the [Segment] attribute, so EF gives the first one or two coded elements of each
#         occurrence (placed by data element number); deeper elements come from PX.
#   EF999 the same repository and commit, EF_HIPAA_005010_999.cs (AK901, IK501, IK502, CTX01-1).
#   PX    kumarerubandi/pyx12-converter @ beb003199d14d51aa61dfafbe5c0d3895837178d
#         pyx12/map/278.5010.X217.A1.xml (request), 278.5010.X217.27.A1.xml (response), 999.5010X231.A1.xml.
# Columns: guide (request|response|999), loop, segment (id, with the first-element qualifier when a loop has
# several occurrences of the id), element (position, -n = component), source_codes (comma separated; empty =
# the source gives no list), source (EF class/code class, or PX guide/loop/element), verdict, our_codes
# (comma separated; * = no list, any value).
# Verdicts: same (ours equal the source's, unchanged), src (ours changed to equal the source's), tol (ours are
# a superset on input only; outputs must use source_codes), open (sources missing or disagreeing: decided,
# see docs/conformance.md and grammars/README.md section 5; our_codes is the decision), absent (the sources do
# not have this segment occurrence in this loop: our grammar must not have it and no output may carry it).
# Regenerate: scripts/x217-tr3-table.py (reads local copies of the two repositories).
guide\tloop\tsegment\telement\tsource_codes\tsource\tverdict\tour_codes"""

# Occurrences the sources leave out of a loop (crosscheck rows 1 and 2).
ABSENT = [
    ("response", "2000E", "DTP(472)", "EF Loop_2000E_278_2 (no DTP 472); PX; WB"),
    ("response", "2000F", "DTP(AAH)", "EF Loop_2000F_278_2 (no DTP AAH); PX; WB"),
]
UM06_SOURCE = ("EF _Codes X12_ID_1338_2 and X12_ID_1338_4 (the 278 variants of 1338; the 837 CLM14 variants "
               "list all codes)")


def tolerated(row):
    """Rows where soc278 is wider on input only (crosscheck rows 4 and 26)."""
    if row["el"] == "PWK01":
        return True
    return (row["loop"] == "2000E" and row["seg"] == "DTP" and row["el"] == "DTP02"
            and row["qual"] in ("439", "484", "ABC", "431", "096"))


def edi_codes(text):
    text = re.sub(r'"\s*\+\s*\n\s*"', "", text)
    return {m.group(2): [c for c in m.group(1).split(",") if c]
            for m in re.finditer(r'\[EdiCodes\("([^"]*)"\)\]\s*public class (\w+)', text)}


def read_ef(ef_dir):
    """Loops and segment occurrences of EF's 278 with the code classes of their [Segment] attribute."""
    codes = edi_codes(open(os.path.join(ef_dir, "EF_HIPAA_005010_Codes.cs")).read())
    seg_src = open(os.path.join(ef_dir, "EF_HIPAA_005010_Segments.cs")).read()
    segs = {}
    for m in re.finditer(r'\[Segment\("(\w+)"((?:,\s*typeof\(\w+\))*)\)\]\s*public class (\w+)', seg_src):
        segs[m.group(3)] = (m.group(1), re.findall(r"typeof\((\w+)\)", m.group(2)))
    tpl = open(os.path.join(ef_dir, "EF_HIPAA_005010_278.cs")).read()
    classes = {}
    for m in re.finditer(r"public class (\w+)[^\n]*\n\s*\{(.*?)\n    \}", tpl, re.S):
        props = re.findall(r"public virtual (?:List<(\w+)>|(\w+)) (\w+) \{", m.group(2))
        classes[m.group(1)] = [a or b for a, b, _ in props]
    out, seen = [], set()

    def walk(cls, loop):
        for typ in classes[cls]:
            if typ in classes:
                if typ.startswith("Loop_") and not typ.startswith("Loop_BHT"):
                    walk(typ, re.match(r"Loop_(\w+?)_278", typ).group(1))
                else:
                    walk(typ, loop)
            elif typ in segs:
                sid, types = segs[typ]
                out.append(dict(loop=loop, seg=sid, cls=typ,
                                types=[(t, codes.get(t)) for t in types]))

    for typ in classes["TS278"]:
        if typ.startswith("Loop_BHT"):
            walk(typ, "header")
    result, guide = [], None
    for o in out:
        if o["seg"] == "BHT":
            guide = "request" if "13" in (o["types"][1][1] or []) else "response"
        key = (guide, o["loop"], o["seg"], o["cls"])
        if key not in seen:
            seen.add(key)
            result.append(dict(o, guide=guide))
    return result


def read_ours(gdir):
    lists = {}
    for f in glob.glob(os.path.join(gdir, "codes", "*.yaml")):
        d = yaml.safe_load(open(f))
        lists[d["list"]] = sorted(str(k) for k in d["codes"])

    def codes(rule):
        if "codes" in rule:
            return sorted(str(c) for c in rule["codes"])
        if "codes_from" in rule:
            return lists[rule["codes_from"]]
        return None

    rows = []

    def occ_rows(guide, loop, segs):
        ids = [s["id"] for s in segs]
        for s in segs:
            els = s.get("elements") or {}
            qual = ""
            if ids.count(s["id"]) > 1:
                r = els.get(s["id"] + "01", {})
                qual = ",".join(codes(r["components"]["1"] if "components" in r else r) or [])
            for k, r in els.items():
                parts = [(f"{k}-{ck}", cr) for ck, cr in r["components"].items()] if "components" in r else [(k, r)]
                for el, vr in parts:
                    rows.append(dict(guide=guide, loop=loop, seg=s["id"], qual=qual, el=el,
                                     usage=vr.get("usage"), codes=codes(vr)))

    for gf, g in (("005010X217/278-request.yaml", "request"), ("005010X217/278-response.yaml", "response"),
                  ("005010X231A1/999.yaml", "999")):
        d = yaml.safe_load(open(os.path.join(gdir, gf)))
        occ_rows(g, "header", d.get("header") or [])
        for lid, loop in d["definitions"].items():
            occ_rows(g, str(lid), loop.get("segments") or [])
            occ_rows(g, str(lid), loop.get("trailer") or [])
        occ_rows(g, "trailer", d.get("trailer") or [])
    return rows


def read_px(px_dir):
    rows = []
    for f, g in (("278.5010.X217.A1.xml", "request"), ("278.5010.X217.27.A1.xml", "response")):
        root = ET.parse(os.path.join(px_dir, f)).getroot()

        def walk(node, loop):
            for c in node:
                if c.tag == "loop":
                    x = c.get("xid")
                    walk(c, x if x[0].isdigit() else ("header" if x == "HEADER" else loop))
                elif c.tag == "segment" and c.get("xid") not in ("ISA", "GS", "ST", "SE", "GE", "IEA", "TA1"):
                    els = []
                    for e in c:
                        if e.tag == "element":
                            els.append((e.get("xid"), e))
                        elif e.tag == "composite":
                            for ce in e.findall("element"):
                                a, b = ce.get("xid").split("-")
                                els.append((f"{a}-{int(b)}", ce))
                    q1 = [x.text for x in els[0][1].iter("code")] if els else []
                    for x, e in els:
                        cs = [k.text for k in e.iter("code")]
                        rows.append(dict(guide=g, loop=loop, seg=c.get("xid"), q1=q1, el=x,
                                         codes=sorted(cs) if cs else None))
        walk(root, "")
    p999 = {}
    for seg in ET.parse(os.path.join(px_dir, "999.5010X231.A1.xml")).getroot().iter("segment"):
        for e in seg.iter("element"):
            cs = [c.text for c in e.iter("code")]
            x = e.get("xid")
            if "-" in x:
                a, b = x.split("-")
                x = f"{a}-{int(b)}"
            if cs:
                p999.setdefault((seg.get("xid"), x), sorted(cs))
    return rows, p999


def base_positions(gdir):
    segdefs = yaml.safe_load(open(os.path.join(gdir, "segments.yaml")))["segments"]
    comps = yaml.safe_load(open(os.path.join(gdir, "composites.yaml")))["composites"]

    def flat(seg):
        out = []
        for i, e in enumerate(segdefs[seg]["elements"], 1):
            if "ref" in e:
                out.append((f"{seg}{i:02d}", str(e["ref"])))
            else:
                for j, c in enumerate(comps[e["composite"]]["components"], 1):
                    out.append((f"{seg}{i:02d}-{j}", str(c["ref"])))
        return out
    return flat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ef", required=True)
    ap.add_argument("--px", required=True)
    ap.add_argument("--grammars", default="grammars")
    ap.add_argument("--previous")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    flat = base_positions(a.grammars)
    previous = {}
    if a.previous and os.path.exists(a.previous):
        for line in open(a.previous):
            if line.startswith("#") or line.startswith("guide\t"):
                continue
            f = line.rstrip("\n").split("\t")
            previous[tuple(f[:4])] = f[6]
    # EF: element-level facts, placed by data element number.
    ef = {}
    for o in read_ef(a.ef):
        used, facts = set(), {}
        for t, c in o["types"]:
            ref = re.match(r"X12_ID_(\w+?)(?:_\d+)?$", t).group(1)
            pos = [el for el, r in flat(o["seg"]) if r == ref and el not in used]
            if pos:
                used.add(pos[0])
                facts[pos[0]] = (c, t)
        ef.setdefault((o["guide"], o["loop"], o["seg"]), []).append((o, facts))
    px, p999 = read_px(a.px)
    out = []

    def qualname(r):
        return r["seg"] + (f"({r['qual']})" if r["qual"] else "")

    def verdict(key, ours, src, tol):
        if src is not None and ours is not None and sorted(ours) == sorted(src):
            return "src" if previous.get(key) == "src" else "same"
        if tol and ours is not None and src is not None and set(src) <= set(ours):
            return "tol"
        return "open"

    def sp(c):
        return "*" if c is None else ",".join(sorted(c))

    for r in read_ours(a.grammars):
        if r["guide"] == "999":
            continue
        cands = ef.get((r["guide"], r["loop"], r["seg"]), [])
        if len(cands) > 1:
            q = set(r["qual"].split(","))
            cands = [c for c in cands if set(c[1].get(r["seg"] + "01", ([], ""))[0] or []) & q]
        src, name = None, "-"
        if cands and r["el"] in cands[0][1]:
            c, t = cands[0][1][r["el"]]
            if c is not None:
                src, name = sorted(c), f"EF {cands[0][0]['cls']}/{t}"
        if src is None:
            occ = {}
            for p in px:
                if p["guide"] == r["guide"] and p["loop"] == r["loop"] and p["seg"] == r["seg"]:
                    occ.setdefault(tuple(p["q1"]), []).append(p)
            if len(occ) > 1:
                q = set(r["qual"].split(","))
                occ = {k: v for k, v in occ.items() if set(k) & q}
            hit = next((p for v in occ.values() for p in v if p["el"] == r["el"]), None)
            if hit and hit["codes"] is not None:
                src, name = hit["codes"], f"PX {r['guide'][:3]} {r['loop']} {r['el']}"
        if r["el"] == "UM06":
            name = UM06_SOURCE + (" and PX" if src is not None else "")
            src = ["03", "E", "U"]
        if r["codes"] is None and src is None:
            continue
        key = (r["guide"], r["loop"], qualname(r), r["el"])
        out.append(key + (sp(src) if src is not None else "", name, verdict(key, r["codes"], src, tolerated(r)),
                          sp(r["codes"])))
    for guide, loop, seg, source in ABSENT:
        out.append((guide, loop, seg, "-", "", source, "absent", "-"))
    c999 = edi_codes(open(os.path.join(a.ef, "EF_HIPAA_005010_999.cs")).read())
    efmap = {("AK9", "AK901"): "AK9/X12_ID_715", ("IK5", "IK501"): "IK5/X12_ID_717",
             ("IK5", "IK502"): "IK5/X12_ID_618"}
    for r in read_ours(a.grammars):
        if r["guide"] != "999" or r["seg"] in ("ISA", "GS", "ST", "SE", "GE", "IEA"):
            continue
        k, src, name = (r["seg"], r["el"]), None, "-"
        if k in efmap:
            src, name = sorted(c999[efmap[k].split("/")[1]]), "EF999 " + efmap[k]
        elif r["seg"] == "CTX" and r["el"] == "CTX01-1":
            cls = "X12_ID_9999" if ("SITUATIONAL" in r["qual"] or r["loop"] == "2110") else "X12_ID_9999_2"
            src, name = sorted(c999[cls]), "EF999 CTX/" + cls
        elif k in p999:
            src, name = p999[k], f"PX 999 {r['el']}"
        if r["codes"] is None and src is None:
            continue
        seg = r["seg"] + (f"({'segment' if 'SITUATIONAL' in r['qual'] else 'business-unit'})" if r["qual"] else "")
        key = ("999", r["loop"], seg, r["el"])
        out.append(key + (sp(src) if src is not None else "", name, verdict(key, r["codes"], src, False),
                          sp(r["codes"])))
    with open(a.out, "w") as f:
        f.write(HEADER + "\n")
        for o in out:
            f.write("\t".join(o) + "\n")
    print(f"{a.out}: {len(out)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
