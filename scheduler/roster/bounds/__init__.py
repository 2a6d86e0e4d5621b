"""Proven lower bounds on the roster objective: the model's LP relaxation (`relaxation`) and column
generation over agents' weeks (`columns`)."""
