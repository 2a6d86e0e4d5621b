"""Defaults met in more than one place (the libraries, the command line, the service), each defined
once. Constants only, no imports: the command line reads them at start-up, before it loads
anything heavy."""

DAYS_PER_WEEK = 7
INTERVAL_MINUTES = 15  # the planning grid's interval unless a team or a command says otherwise
ROSTER_TIME_LIMIT_S = 30.0  # a roster solve's time limit unless the caller gives one
BACKTEST_WEEKS = 4  # the weeks a forecast backtest holds back, one origin each
# the share of paid time a new team file (`wfm team init`) and the sample team give to what the roster does
# not place (absence, meetings, training): breaks and lunches are in the roster, so not in shrinkage
ROSTER_SHRINKAGE = 0.1
