"""The pure core of payments: tax splits and deposit amounts, in integer minor units."""
