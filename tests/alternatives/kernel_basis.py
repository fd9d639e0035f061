"""Correct answers for source/kernel_basis written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = []
