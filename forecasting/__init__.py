"""Forecast contact volume and handle time per queue × region × interval, time-zone aware.

Each region is modelled on its own wall clock and the forecasts meet on the team's UTC grid.
`forecast_week` is the entry point; `backtest` says how good the method has been.
"""

from forecasting.backtest import BacktestReport, backtest
from forecasting.calendar import HolidayChange, SpecialDay
from forecasting.core import (
    ForecastWarning,
    forecast_columns,
    forecast_grid,
    forecast_notes,
    forecast_week,
    holidays_in_grid,
)

__all__ = [
    "BacktestReport",
    "ForecastWarning",
    "HolidayChange",
    "SpecialDay",
    "backtest",
    "forecast_columns",
    "forecast_grid",
    "forecast_notes",
    "forecast_week",
    "holidays_in_grid",
]
