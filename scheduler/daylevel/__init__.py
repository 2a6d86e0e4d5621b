"""Branch and price for day-level roster problems: cover by shift type and day, nothing tied to the
time of day (`problem` says when a problem is day-level and turns it into the day-level form of
`instance`; `engine` is that form as the engine's own problem and model; `columns`, `master`,
`pricing`, `branch` and `search` are the column generation, its master LP, the exact pricer, the
search tree and the time-limited search)."""
