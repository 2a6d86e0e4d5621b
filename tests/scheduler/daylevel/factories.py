"""Shared day-level factories: random small instances in the benchmark's text format (Hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

from api.curtois_files import parse_instance
from scheduler.daylevel.instance import Instance


@st.composite
def small_instances(draw: st.DrawFn) -> Instance:
    """Random one-week instances: 2-4 employees, 1-2 shift types, random rules, requests and cover."""
    employees = draw(st.integers(2, 4))
    shift_count = draw(st.integers(1, 2))
    shifts = ["E,480,"] if shift_count == 1 else ["E,480,", f"L,{draw(st.sampled_from([480, 600]))},E"]
    ids = [s.split(",")[0] for s in shifts]
    staff_lines = []
    for e in range(employees):
        limits = "|".join(f"{s}={draw(st.integers(0, 7))}" for s in ids)
        max_shifts = draw(st.integers(2, 7))
        staff_lines.append(
            f"P{e},{limits},{max_shifts * 480},{draw(st.integers(0, 2)) * 480},"
            f"{draw(st.integers(2, 7))},{draw(st.integers(1, 2))},{draw(st.integers(1, 2))},{draw(st.integers(0, 1))}"
        )
    on = [
        f"P{draw(st.integers(0, employees - 1))},{draw(st.integers(0, 6))},{draw(st.sampled_from(ids))},{draw(st.integers(1, 3))}"
        for _ in range(draw(st.integers(0, 4)))
    ]
    off = [
        f"P{draw(st.integers(0, employees - 1))},{draw(st.integers(0, 6))},{draw(st.sampled_from(ids))},{draw(st.integers(1, 3))}"
        for _ in range(draw(st.integers(0, 4)))
    ]
    cover = [f"{d},{s},{draw(st.integers(0, 2))},100,1" for d in range(7) for s in ids]
    days_off = [f"P{e},{draw(st.integers(0, 6))}" for e in range(employees)]
    text = "\n".join(
        [
            "SECTION_HORIZON",
            "7",
            "SECTION_SHIFTS",
            *shifts,
            "SECTION_STAFF",
            *staff_lines,
            "SECTION_DAYS_OFF",
            *days_off,
            "SECTION_SHIFT_ON_REQUESTS",
            *on,
            "SECTION_SHIFT_OFF_REQUESTS",
            *off,
            "SECTION_COVER",
            *cover,
        ]
    )
    return parse_instance(text, "random.txt")
