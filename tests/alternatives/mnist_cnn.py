"""Correct answers for source/mnist_cnn written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = []
