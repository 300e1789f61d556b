"""户有卡、村有册: the household and member registers and the village register."""
