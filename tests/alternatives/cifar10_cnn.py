"""Correct answers for source/cifar10_cnn written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = []
