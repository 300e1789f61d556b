"""Fund sources, the project library (项目库), allocations, disbursements, ledgers (台账) and the
plan's fund rules."""
