"""The roster search: agent-by-agent weeks and their descent (`construct`), then ruin-and-recreate
moves (`improve`)."""
