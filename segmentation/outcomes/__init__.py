"""What a marketer takes away: per-segment figures, the playbook, movement between periods,
customer value ahead, labelling with a saved recipe, exports, mailing lists, charts, the report."""
