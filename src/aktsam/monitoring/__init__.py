"""Continuous monitoring: re-screen the register and watched files when lists or parties change.

* :mod:`.population` - who is monitored (every register party, every watched-file row) and its fingerprint;
* :mod:`.delta` - what changed since the last completed run, and which parties a list change may concern;
* :mod:`.run` - a monitoring run (full or delta), alerts, state and audit trail in one transaction;
* :mod:`.alerts` - reading alerts, their review state from the hit decisions;
* :mod:`.watch` - watched files;
* :mod:`.service` - the functions the CLI, API and pages call.
"""
