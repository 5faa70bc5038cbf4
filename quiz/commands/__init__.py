"""The ``quiz`` subcommands, one module per area; each imports only click at module level."""
