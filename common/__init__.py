"""What every package shares: the exception hierarchy (`common.errors`) and the time model
(`common.timegrid`). Pure: no web, no database, no environment."""
