"""dynamic-sdk-contract: the contract suite for a fragment's operations (python -m contract_tests).

PYTEST_DONT_REWRITE: `python -m contract_tests` imports this package before pytest starts,
so pytest could not rewrite it anyway (it holds no assertions); this says so instead of a
warning in every run.
"""
