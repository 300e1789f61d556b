"""Programmes led by the agriculture and labour offices: industries and household participation,
cooperatives with shares and dividends, training courses, certificates and subsidies, employment
after training, public-welfare jobs, zero-employment households."""
