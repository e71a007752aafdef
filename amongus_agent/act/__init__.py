"""Acting: movement (path to stick), input backends, and per-action flows."""
