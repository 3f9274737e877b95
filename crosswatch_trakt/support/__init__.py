"""What every layer may use; it imports nothing above it.

The clock, logging, date-times, the one converter, the state store and the values of
the host contract.
"""
