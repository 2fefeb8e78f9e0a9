#!/usr/bin/env python3
"""Prepares an outside validator for the independent 278 requests: pyx12 with third-party X217 maps.

pyx12 (azoner/pyx12) ships no 005010X217 map; kumarerubandi/pyx12-converter has a request and a
response map hand-edited from pyx12's 4010 X094 maps. This script copies those two maps into a
pyx12 work tree, registers them in maps.xml as the converter does, and applies the few
corrections listed in tests/independent/README.md, each of which makes the map or the map
selection agree with the X217 guide's own examples. Nothing here is copied from either project;
it edits a local, unversioned work tree that you made (see README.md).

    setup_pyx12.py PYX12_TREE CONVERTER_TREE
"""

import copy
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

MAPS = ["278.5010.X217.A1.xml", "278.5010.X217.27.A1.xml"]
REGISTRATION = (
    '    <map vriic="005010X217" fic="HI" tspc="11" abbr="278a">278.5010.X217.27.A1.xml</map>\n'
    '    <map vriic="005010X217" fic="HI" tspc="13" abbr="278b">278.5010.X217.A1.xml</map>\n')
SELECTORS = ["x12n_document.py", "x12metadata.py", "x12context.py"]


def find_loop(node, xid):
    for loop in node.iter("loop"):
        if loop.get("xid") == xid:
            return loop
    raise SystemExit("loop %s not found" % xid)


def set_hl03(loop, old, new):
    hl = [s for s in loop.findall("segment") if s.get("xid") == "HL"][0]
    for el in hl.findall("element"):
        if el.get("xid") == "HL03":
            codes = el.findall("valid_codes/code")
            assert [c.text for c in codes] == [old], (loop.get("xid"), [c.text for c in codes])
            codes[0].text = new


def fill_sv1(segment, reference_sv1):
    """Adds the SV1 positions the map leaves out, as not-used elements taken from pyx12's own
    837P map, so that every position up to SV120 has exactly one definition."""
    have = {int(e.findtext("seq")) for e in segment if e.tag in ("element", "composite")}
    for ref in reference_sv1:
        if ref.tag not in ("element", "composite"):
            continue
        seq = int(ref.findtext("seq"))
        if seq in have or seq > 20:
            continue
        el = copy.deepcopy(ref)
        el.find("usage").text = "N"
        kids = [e for e in segment if e.tag in ("element", "composite")]
        after = [e for e in kids if int(e.findtext("seq")) < seq][-1]
        segment.insert(list(segment).index(after) + 1, el)


def patch_request_map(path, reference_837p):
    tree = ET.parse(path)
    root = tree.getroot()
    # 1. HL03 of the patient event and service levels: EV and SS (the map says 24 and 25).
    set_hl03(find_loop(root, "2000E"), "24", "EV")
    set_hl03(find_loop(root, "2000F"), "25", "SS")
    # 2. 2000E is a child of 2000C when there is no dependent; the map has it only under 2000D.
    #    pyx12's own 4010 X094 map holds the loop in both places (position 180 and 181).
    sub = find_loop(root, "2000C")
    dep = find_loop(sub, "2000D")
    event = copy.deepcopy(find_loop(dep, "2000E"))
    event.find("pos").text = "181"
    #    Usage S for the copy: with a dependent the event sits under 2000D and this copy is absent.
    event.find("usage").text = "S"
    children = list(sub)
    sub.insert(children.index(dep) + 1, event)
    # 3. SV1 defines SV101-SV107, SV111 and SV120 only; pyx12 looks every position up by
    #    sequence and stops with "idx 7 not found in SV1" on any SV1. Fill the gaps (usage N).
    ref = [s for s in ET.parse(reference_837p).getroot().iter("segment") if s.get("xid") == "SV1"][0]
    for seg in root.iter("segment"):
        if seg.get("xid") == "SV1":
            fill_sv1(seg, ref)
    # 4. 2000F positions: SV1/SV3 at 370, TOO at 382 and SV2 at 100 put them after HSD (090),
    #    PWK (155), MSG (160) and the 2010F loop (170), so pyx12 rejects the guide's order
    #    (DTP, SV1/SV2/SV3, TOO, HSD, PWK, MSG, 2010F; X12's examples send SV2 then 2010F).
    #    Put them between DTP (070) and HSD (090).
    for loop in root.iter("loop"):
        if loop.get("xid") != "2000F":
            continue
        for seg in loop.findall("segment"):
            new_pos = {"SV1": "080", "SV2": "081", "SV3": "082", "TOO": "083"}.get(seg.get("xid"))
            if new_pos:
                seg.find("pos").text = new_pos
    # 5. 2010F N4 defines N406 twice; the second is N407 country subdivision (element 1715).
    #    pyx12 stops on any 2010F N4 otherwise.
    for loop in root.iter("loop"):
        if loop.get("xid") != "2010F":
            continue
        n4 = [s for s in loop.findall("segment") if s.get("xid") == "N4"][0]
        second = [e for e in n4.findall("element") if e.get("xid") == "N406"][1]
        second.set("xid", "N407")
        second.find("seq").text = "07"
        second.find("data_ele").text = "1715"
    tree.write(path, encoding="UTF-8", xml_declaration=True)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__)
    pyx12_tree, converter_tree = argv[1], argv[2]
    map_dir = os.path.join(pyx12_tree, "pyx12", "map")
    for name in MAPS:
        shutil.copy(os.path.join(converter_tree, "pyx12", "map", name), os.path.join(map_dir, name))
    patch_request_map(os.path.join(map_dir, MAPS[0]), os.path.join(map_dir, "837.5010.X222.A1.xml"))

    maps_xml = os.path.join(map_dir, "maps.xml")
    text = open(maps_xml).read()
    if "005010X217" not in text:
        anchor = '    <map vriic="005010X214"'
        assert anchor in text
        text = text.replace(anchor, REGISTRATION + anchor, 1)
        open(maps_xml, "w").write(text)

    # 6. pyx12 picks a 278 map by BHT02 only for 4010 X094; do the same for 5010 X217, so a
    #    request (BHT02 13) gets the request map and not the first map registered for GS08.
    for name in SELECTORS:
        path = os.path.join(pyx12_tree, "pyx12", name)
        src = open(path).read()
        new = re.sub(r'if vriic in \("004010X094", "004010X094A1"\):',
                     'if vriic in ("004010X094", "004010X094A1", "005010X217"):', src)
        open(path, "w").write(new)
    print("pyx12 at %s has the X217 maps" % pyx12_tree)


if __name__ == "__main__":
    main(sys.argv)
