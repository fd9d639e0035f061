"""Instructor tools for the CNN course: build the notebooks and release, grade, benchmark.

Students never need this package: the notebooks import only ``course``. Install it with
the ``instructor`` extra (``pip install -e '.[instructor]'``); its commands join
``python -m course`` (``build``, ``grade``, ``bench``).
"""
