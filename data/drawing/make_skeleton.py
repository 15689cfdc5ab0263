#!/usr/bin/env python3
"""Generates skeleton-front.json: crmo's front-view skeleton drawing.

Every unit-side of the default atlas (data/atlas/default.json) is one closed polygon, so
reports colour it and the scoring page clicks it. The figure faces the viewer: the
patient's right (R) is on the viewer's left. The spine is drawn as a column beside the
trunk (the sternum covers it in a true front view), stacked C1 to L5.

Run from the repository root:  python3 data/drawing/make_skeleton.py
The output is committed; this script is how it was made and how to change it.
"""
import json
import math
import os

CX = 180.0           # midline of the main figure
WIDTH, HEIGHT = 460, 875

shapes = []          # {"site", "points"}
decor_lines = []     # thin lines drawn over the shapes (rib arcs, fingers); not clickable
texts = []


def r2(v):
    return round(v, 1)


def add(site, pts):
    shapes.append({"site": site, "points": [[r2(x), r2(y)] for x, y in pts]})


def mirror(pts):
    return [(2 * CX - x, y) for x, y in pts]


def paired(unit, pts_r):
    """pts_r: the shape of the patient's right side (viewer's left)."""
    add(unit + ":R", pts_r)
    add(unit + ":L", mirror(pts_r))


def ellipse(cx, cy, rx, ry, n=28, a0=0.0, a1=2 * math.pi):
    full = abs(a1 - a0 - 2 * math.pi) < 1e-9
    count = n if full else n + 1
    return [(cx + rx * math.cos(a0 + (a1 - a0) * i / n), cy + ry * math.sin(a0 + (a1 - a0) * i / n))
            for i in range(count)]


def quad_along(p0, p1, w0, w1):
    """A quadrilateral from p0 to p1, w0 wide at p0 and w1 wide at p1."""
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    return [(x0 + nx * w0 / 2, y0 + ny * w0 / 2), (x1 + nx * w1 / 2, y1 + ny * w1 / 2),
            (x1 - nx * w1 / 2, y1 - ny * w1 / 2), (x0 - nx * w0 / 2, y0 - ny * w0 / 2)]


def rounded_end(p0, p1, w0, w1, round_at_start):
    """An epiphysis: a quadrilateral with its outer end rounded."""
    (x0, y0), (x1, y1) = p0, p1
    ang = math.atan2(y1 - y0, x1 - x0)
    if round_at_start:
        # half-ellipse at p0 bulging away from p1, straight edge at p1
        cx, cy, w, base, tip_w = x0, y0, w0, (x1, y1), w1
        arc = [(cx + (w / 2) * math.cos(ang + math.pi / 2 + math.pi * i / 12) * 1.0,
                cy + (w / 2) * math.sin(ang + math.pi / 2 + math.pi * i / 12) * 1.0) for i in range(13)]
        nx, ny = -math.sin(ang), math.cos(ang)
        return arc + [(base[0] - nx * tip_w / 2, base[1] - ny * tip_w / 2), (base[0] + nx * tip_w / 2, base[1] + ny * tip_w / 2)]
    pts = rounded_end(p1, p0, w1, w0, True)
    return pts


def long_bone(bone, top, bottom, w_epi, w_meta, w_dia, fracs=(0.09, 0.15, 0.52, 0.15, 0.09), gap=1.6):
    """Five segments from proximal (top) to distal (bottom), for the right side; mirrored for left."""
    names = ["proximal_epiphysis", "proximal_metaphysis", "diaphysis", "distal_metaphysis", "distal_epiphysis"]
    (x0, y0), (x1, y1) = top, bottom
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    t = 0.0
    bounds = []
    for f in fracs:
        bounds.append((t, t + f))
        t += f
    widths = [(w_epi, w_epi * 0.95), (w_meta, w_dia * 1.05), (w_dia, w_dia), (w_dia * 1.05, w_meta), (w_epi * 0.95, w_epi)]
    for i, (name, (a, b)) in enumerate(zip(names, bounds)):
        sa = a * length + (gap / 2 if i > 0 else 0)
        sb = b * length - (gap / 2 if i < 4 else 0)
        p0 = (x0 + ux * sa, y0 + uy * sa)
        p1 = (x0 + ux * sb, y0 + uy * sb)
        wa, wb = widths[i]
        if i == 0:
            pts = rounded_end(p0, p1, wa, wb, True)
        elif i == 4:
            pts = rounded_end(p0, p1, wa, wb, False)
        else:
            pts = quad_along(p0, p1, wa, wb)
        paired(f"{bone}.{name}", pts)


# Head
add("skull:M", ellipse(CX, 52, 34, 42, 36))
paired("mandible", [(CX - 2, 112), (CX - 2, 124), (CX - 12, 123), (CX - 22, 116), (CX - 27, 102), (CX - 25, 92),
                    (CX - 20, 94), (CX - 18, 106), (CX - 10, 113)])

# Shoulder and chest
paired("clavicle.medial", quad_along((CX - 7, 150), (CX - 38, 143), 7.5, 7))
paired("clavicle.lateral", quad_along((CX - 41, 143), (CX - 74, 150), 7, 6.5))
add("sternum.manubrium:M", [(CX - 10, 151), (CX + 10, 151), (CX + 7, 172), (CX - 7, 172)])
add("sternum.body:M", [(CX - 7, 175), (CX + 7, 175), (CX + 6, 236), (CX, 244), (CX - 6, 236)])
ribs_r = [(CX - 12, 158), (CX - 30, 158), (CX - 48, 170), (CX - 58, 195), (CX - 62, 230), (CX - 58, 262),
          (CX - 45, 276), (CX - 12, 262), (CX - 10, 240)]
paired("ribs", ribs_r)
for i in range(7):  # rib arcs, decoration
    y = 168 + i * 14
    arc_r = [(CX - 12, y), (CX - 30, y - 3 + i * 0.5), (CX - 50 + i * 0.3, y + 6), (CX - 58 + i * 0.2, y + 16)]
    decor_lines.append([[r2(x), r2(v)] for x, v in arc_r])
    decor_lines.append([[r2(x), r2(v)] for x, v in mirror(arc_r)])
paired("scapula", [(CX - 62, 159), (CX - 84, 160), (CX - 74, 208), (CX - 64, 196)])

# Pelvis
paired("sacrum", [(CX - 1, 352), (CX - 15, 352), (CX - 13, 390), (CX - 1, 402)])
add("coccyx:M", [(CX - 4, 405), (CX + 4, 405), (CX + 2, 419), (CX - 2, 419)])
paired("ilium", [(CX - 17, 350), (CX - 40, 334), (CX - 64, 342), (CX - 72, 368), (CX - 62, 398), (CX - 40, 408),
                 (CX - 18, 394)])
paired("ischium", [(CX - 50, 414), (CX - 28, 414), (CX - 24, 438), (CX - 38, 456), (CX - 52, 442)])
paired("pubis", [(CX - 22, 412), (CX - 2, 418), (CX - 2, 430), (CX - 20, 436)])

# Upper limb (arms hanging, palms forward: radius lateral)
long_bone("humerus", (CX - 84, 170), (CX - 96, 300), 16, 13, 9)
long_bone("radius", (CX - 106, 307), (CX - 114, 420), 9, 8, 6)
long_bone("ulna", (CX - 90, 307), (CX - 94, 420), 9, 8, 6)
paired("carpus", ellipse(CX - 103, 433, 15, 8, 24))
paired("metacarpals", [(CX - 118, 444), (CX - 88, 444), (CX - 84, 474), (CX - 122, 474)])
paired("hand_phalanges", [(CX - 124, 477), (CX - 82, 477), (CX - 80, 512), (CX - 126, 512)])
for i in range(5):  # fingers, decoration
    x = CX - 121 + i * 9.5
    decor_lines.append([[r2(x), 447], [r2(x - 1 + i * 0.5), 510]])
    decor_lines.append([[r2(2 * CX - x), 447], [r2(2 * CX - (x - 1 + i * 0.5)), 510]])

# Lower limb
long_bone("femur", (CX - 68, 414), (CX - 42, 578), 17, 15, 11)
paired("patella", ellipse(CX - 41, 592, 8, 8.5, 24))
long_bone("tibia", (CX - 39, 606), (CX - 42, 770), 17, 15, 11)
long_bone("fibula", (CX - 58, 612), (CX - 56, 765), 7, 6, 5)
paired("talus", ellipse(CX - 42, 782, 10, 7, 24))
paired("calcaneus", ellipse(CX - 60, 789, 7, 8, 24))
paired("midfoot", [(CX - 55, 793), (CX - 30, 793), (CX - 28, 807), (CX - 57, 807)])
paired("metatarsals", [(CX - 60, 810), (CX - 26, 810), (CX - 22, 836), (CX - 64, 836)])
paired("foot_phalanges", [(CX - 65, 839), (CX - 21, 839), (CX - 20, 860), (CX - 66, 860)])
for i in range(5):  # toes, decoration
    x = CX - 62 + i * 9.5
    decor_lines.append([[r2(x), 812], [r2(x), 858]])
    decor_lines.append([[r2(2 * CX - x), 812], [r2(2 * CX - x), 858]])

# Spine column beside the trunk, C1 to L5
SX = 415.0
y = 118.0
texts.append({"x": SX, "y": 108, "text": "spine", "size": 10, "anchor": "middle"})
for group, count, h, w in (("c", 7, 9, 20), ("t", 12, 11, 24), ("l", 5, 15, 30)):
    for i in range(1, count + 1):
        top, bot = y, y + h
        add(f"spine.{group}{i}:M", [(SX - w / 2, top), (SX + w / 2, top), (SX + w / 2 - 1, bot), (SX - w / 2 + 1, bot)])
        if i == 1 or (group == "l" and i == count):
            texts.append({"x": SX - w / 2 - 4, "y": top + h / 2 + 3, "text": f"{group.upper()}{i}", "size": 8,
                          "anchor": "end"})
        y = bot + 2
texts.append({"x": CX - 100, "y": 30, "text": "R", "size": 14, "anchor": "middle"})
texts.append({"x": CX + 100, "y": 30, "text": "L", "size": 14, "anchor": "middle"})

here = os.path.dirname(os.path.abspath(__file__))
atlas = json.load(open(os.path.join(here, "..", "atlas", "default.json")))
expected = []
for u in atlas["units"]:
    for side in (["L", "R"] if u["sides"] == "LR" else ["M"]):
        expected.append(f"{u['id']}:{side}")
got = [s["site"] for s in shapes]
missing = sorted(set(expected) - set(got))
extra = sorted(set(got) - set(expected))
assert not missing and not extra and len(got) == len(set(got)) == 124, (missing, extra, len(got))
order = {k: i for i, k in enumerate(expected)}
shapes.sort(key=lambda s: order[s["site"]])

doc = {
    "format": "crmo.drawing/1",
    "name": "skeleton-front",
    "description": "Front view, the patient's right on the viewer's left; one polygon per unit-side of the default atlas; spine drawn as a column beside the trunk. Made by make_skeleton.py.",
    "width": WIDTH,
    "height": HEIGHT,
    "shapes": shapes,
    "lines": decor_lines,
    "texts": texts,
}
with open(os.path.join(here, "skeleton-front.json"), "w") as f:
    f.write("{\n")
    for key in ("format", "name", "description", "width", "height"):
        f.write(f"  {json.dumps(key)}: {json.dumps(doc[key])},\n")
    f.write('  "shapes": [\n')
    f.write(",\n".join("    " + json.dumps(s, separators=(",", ":")) for s in shapes))
    f.write("\n  ],\n")
    f.write('  "lines": [\n' + ",\n".join("    " + json.dumps(l, separators=(",", ":")) for l in decor_lines) + "\n  ],\n")
    f.write('  "texts": [\n' + ",\n".join("    " + json.dumps(t) for t in texts) + "\n  ]\n}\n")
print(f"wrote {len(shapes)} shapes")
