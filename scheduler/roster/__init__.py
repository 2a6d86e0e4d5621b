"""The roster engine: a problem (team, week, need, availability) in, a roster keeping every hard
rule out, with its report.

`domain` types live in `scheduler.domain`; here are the problem (`problem`, `candidates`), the
CP-SAT model (`model`: variables, rules and objective), the search (`search`), the bounds
(`bounds`), `solve`, the independent checker (`validate`), `explain` and `report`.
"""
