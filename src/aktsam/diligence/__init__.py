"""Due diligence on suppliers and customers: the register, evidence, risk assessment, decisions,
follow-up, Transparency Act requests and the annual account. See ``docs/design/diligence.md``."""
