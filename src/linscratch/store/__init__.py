"""What a run writes: one rule for every destination, checked before any work and written
atomically (`destinations`), and linscratch's own versioned JSON files, models and
checkpoints (`formats`).
"""
