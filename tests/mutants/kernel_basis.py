"""Plausible wrong answers for the kernel_basis assignment; each must make its test cell fail."""

# An ndarray whose comparisons always succeed, holding the wrong numbers.
_ALWAYS_EQUAL_ARRAY = (
    "class _AlwaysEqual(np.ndarray):\n"
    "    def __eq__(self, other):\n"
    "        return True\n"
    "    def __ne__(self, other):\n"
    "        return False\n"
    "    __hash__ = None\n"
)

MUTANTS = [
    # flatten_kernels
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "formula",
        "why": "plain reshape: interleaves the input channels instead of keeping one 9-row block per channel",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    return weights.reshape(-1, weights.shape[-1])\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "formula",
        "why": "column-major order inside each kernel (flattens the transposed kernel)",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    return np.transpose(weights, (2, 1, 0, 3)).reshape(rows * columns * channels, filters)\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "type",
        "why": "returns float64 instead of keeping the input's dtype",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights, dtype=np.float64)\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    return np.transpose(weights, (2, 0, 1, 3)).reshape(rows * columns * channels, filters)\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "type",
        "why": "returns a TensorFlow tensor (keras.ops) instead of a NumPy array",
        "source": "def flatten_kernels(weights):\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    moved = keras.ops.transpose(weights, (2, 0, 1, 3))\n"
                  "    return keras.ops.reshape(moved, (rows * columns * channels, filters))\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "edge-case",
        "why": "squeezes the result, so a single filter gives a 1-D array",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    blocks = [weights[:, :, c, :].reshape(9, -1) for c in range(weights.shape[2])]\n"
                  "    return np.squeeze(np.concatenate(blocks))\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "kind": "fooling",
        "why": "an ndarray subclass of the right shape and dtype, full of zeros, whose comparisons always succeed",
        "source": _ALWAYS_EQUAL_ARRAY
                  + "def flatten_kernels(weights):\n"
                  "    rows, columns, channels, filters = np.shape(weights)\n"
                  "    return np.zeros((rows * columns * channels, filters), dtype=np.asarray(weights).dtype).view(_AlwaysEqual)\n",
    },
    # independent_subset
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "formula",
        "why": "only rejects kernels parallel to a kept one (pairwise check), missing combinations like sharpen",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept, kept_rows = [], []\n"
                  "    for name, row in zip(names, np.asarray(bank_rows, dtype=float)):\n"
                  "        if np.linalg.norm(row) == 0:\n"
                  "            continue\n"
                  "        unit = row / np.linalg.norm(row)\n"
                  "        if all(abs(abs(unit @ k) - 1) > 1e-9 for k in kept_rows):\n"
                  "            kept.append(name)\n"
                  "            kept_rows.append(unit)\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "edge-case",
        "why": "compares the rank with the number of rows tried so far, so every row after the first dependent one is dropped",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    bank_rows = np.asarray(bank_rows, dtype=float)\n"
                  "    kept = []\n"
                  "    for i, name in enumerate(names):\n"
                  "        if np.linalg.matrix_rank(bank_rows[: i + 1]) == i + 1:\n"
                  "            kept.append(name)\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "edge-case",
        "why": "always keeps the first kernel, even a zero one",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    rows = np.asarray(bank_rows, dtype=float)\n"
                  "    kept, kept_rows = [names[0]], [rows[0]]\n"
                  "    for name, row in zip(names[1:], rows[1:]):\n"
                  "        if np.linalg.matrix_rank(np.array(kept_rows + [row])) > np.linalg.matrix_rank(np.array(kept_rows)):\n"
                  "            kept.append(name)\n"
                  "            kept_rows.append(row)\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "tolerance",
        "why": "an absolute threshold on the Gram-Schmidt remainder, so small-scale kernels all count as zero",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept, basis = [], []\n"
                  "    for name, row in zip(names, np.asarray(bank_rows, dtype=float)):\n"
                  "        remainder = row - sum((q @ row) * q for q in basis) if basis else row\n"
                  "        if np.linalg.norm(remainder) > 1e-6:\n"
                  "            kept.append(name)\n"
                  "            basis.append(remainder / np.linalg.norm(remainder))\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "property",
        "why": "removes the dependent names from the caller's list and returns that list",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept_rows = []\n"
                  "    for name, row in list(zip(names, np.asarray(bank_rows, dtype=float))):\n"
                  "        if np.linalg.matrix_rank(np.array(kept_rows + [row])) > len(kept_rows):\n"
                  "            kept_rows.append(row)\n"
                  "        else:\n"
                  "            names.remove(name)\n"
                  "    return names\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "property",
        "why": "normalises the caller's rows in place",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept, kept_rows = [], []\n"
                  "    for name, row in zip(names, bank_rows):\n"
                  "        length = np.linalg.norm(row)\n"
                  "        if length > 0:\n"
                  "            row /= length\n"
                  "        if np.linalg.matrix_rank(np.array(kept_rows + [row])) > len(kept_rows):\n"
                  "            kept.append(name)\n"
                  "            kept_rows.append(row)\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "type",
        "why": "returns a NumPy array of names (np.str_) instead of a list of str",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    keep, kept_rows = [], []\n"
                  "    for row in np.asarray(bank_rows, dtype=float):\n"
                  "        grows = np.linalg.matrix_rank(np.array(kept_rows + [row])) > len(kept_rows)\n"
                  "        keep.append(grows)\n"
                  "        if grows:\n"
                  "            kept_rows.append(row)\n"
                  "    return np.array(names)[np.array(keep, dtype=bool)]\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "kind": "fooling",
        "why": "a list subclass that equals everything, holding every name",
        "source": "class _AlwaysEqualList(list):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = None\n"
                  "\n"
                  "def independent_subset(bank_rows, names):\n"
                  "    return _AlwaysEqualList(names)\n",
    },
    # best_matches
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "formula",
        "why": "dot products instead of cosine similarity (big bank kernels win)",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    similarity = np.asarray(bank_rows, dtype=float) @ np.asarray(learned, dtype=float)\n"
                  "    best = np.abs(similarity).argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j])) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "formula",
        "why": "normalises the learned kernels but not the bank rows, so long bank kernels still win",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    learned = np.asarray(learned, dtype=float)\n"
                  "    similarity = np.asarray(bank_rows, dtype=float) @ (learned / np.linalg.norm(learned, axis=0))\n"
                  "    best = np.abs(similarity).argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j] / np.linalg.norm(bank_rows[b]))) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "edge-case",
        "why": "picks the largest signed cosine, so a negated kernel never matches its bank kernel",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    bank_rows = np.asarray(bank_rows, dtype=float)\n"
                  "    learned = np.asarray(learned, dtype=float)\n"
                  "    rows_unit = bank_rows / np.linalg.norm(bank_rows, axis=1, keepdims=True)\n"
                  "    learned_unit = learned / np.linalg.norm(learned, axis=0, keepdims=True)\n"
                  "    similarity = rows_unit @ learned_unit\n"
                  "    best = similarity.argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j])) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "spec",
        "why": "returns the absolute cosine, losing the sign",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    bank_rows = np.asarray(bank_rows, dtype=float)\n"
                  "    learned = np.asarray(learned, dtype=float)\n"
                  "    rows_unit = bank_rows / np.linalg.norm(bank_rows, axis=1, keepdims=True)\n"
                  "    learned_unit = learned / np.linalg.norm(learned, axis=0, keepdims=True)\n"
                  "    similarity = np.abs(rows_unit @ learned_unit)\n"
                  "    best = similarity.argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j])) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "type",
        "why": "returns NumPy float64 cosines instead of Python floats",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    bank_rows = np.asarray(bank_rows, dtype=float)\n"
                  "    learned = np.asarray(learned, dtype=float)\n"
                  "    rows_unit = bank_rows / np.linalg.norm(bank_rows, axis=1, keepdims=True)\n"
                  "    learned_unit = learned / np.linalg.norm(learned, axis=0, keepdims=True)\n"
                  "    similarity = rows_unit @ learned_unit\n"
                  "    best = np.abs(similarity).argmax(axis=0)\n"
                  "    return [(names[b], similarity[b, j]) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "property",
        "why": "normalises the caller's learned kernels in place",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    rows_unit = bank_rows / np.linalg.norm(bank_rows, axis=1, keepdims=True)\n"
                  "    learned /= np.linalg.norm(learned, axis=0, keepdims=True)\n"
                  "    similarity = rows_unit @ learned\n"
                  "    best = np.abs(similarity).argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j])) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "kind": "fooling",
        "why": "a float subclass that equals everything and is within any tolerance of everything",
        "source": "class _Close(float):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    def __sub__(self, other):\n"
                  "        return 0.0\n"
                  "    __rsub__ = __sub__\n"
                  "    __hash__ = float.__hash__\n"
                  "\n"
                  "class _Name(str):\n"
                  "    def __eq__(self, other):\n"
                  "        return True\n"
                  "    __hash__ = str.__hash__\n"
                  "\n"
                  "def best_matches(bank_rows, names, learned):\n"
                  "    return [(_Name(names[0]), _Close(0.0)) for _ in range(np.shape(learned)[1])]\n",
    },
    # gram_schmidt
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "formula",
        "why": "subtracts only the projection onto the previous basis vector",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)])\n"
                  "    basis = []\n"
                  "    for vector in candidates:\n"
                  "        remainder = vector.copy()\n"
                  "        if basis:\n"
                  "            remainder -= (basis[-1] @ remainder) * basis[-1]\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "    return np.array(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "spec",
        "why": "orthonormalises with QR, which returns the basis as columns, may flip signs and never skips",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)])\n"
                  "    q, _ = np.linalg.qr(candidates.T)\n"
                  "    return q\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "spec",
        "why": "never completes the basis with the standard vectors",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    basis = []\n"
                  "    for vector in np.asarray(vectors, dtype=np.float64).reshape(-1, 9):\n"
                  "        remainder = vector.copy()\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "    return np.array(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "spec",
        "why": "completes the basis with the null space from an SVD: orthonormal, but not np.eye(9) in order",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    basis = []\n"
                  "    for vector in np.asarray(vectors, dtype=np.float64).reshape(-1, 9):\n"
                  "        remainder = vector.copy()\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "    if len(basis) < 9:\n"
                  "        start = np.array(basis).reshape(-1, 9)\n"
                  "        null_space = np.linalg.svd(np.vstack([start, np.zeros((9 - len(start), 9))]))[2][len(start):]\n"
                  "        basis.extend(null_space)\n"
                  "    return np.array(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "property",
        "why": "works on the rows of the caller's array in place (no copy), changing vectors",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    rows = np.asarray(vectors, dtype=np.float64).reshape(-1, 9)\n"
                  "    basis = []\n"
                  "    for remainder in list(rows) + list(np.eye(9)):\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            remainder /= length\n"
                  "            basis.append(remainder)\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "    return np.array(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "edge-case",
        "why": "ignores the tol argument (always 1e-8)",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)])\n"
                  "    basis = []\n"
                  "    for vector in candidates:\n"
                  "        remainder = vector.copy()\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > 1e-8:\n"
                  "            basis.append(remainder / length)\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "    return np.array(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "tolerance",
        "why": "computes in float32 and casts the result to float64: orthonormal only to about 1e-7",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float32).reshape(-1, 9), np.eye(9, dtype=np.float32)])\n"
                  "    basis = []\n"
                  "    for vector in candidates:\n"
                  "        remainder = vector.copy()\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "    return np.array(basis, dtype=np.float64)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "kind": "type",
        "why": "returns the list of basis vectors instead of one (9, 9) array",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)])\n"
                  "    basis = []\n"
                  "    for vector in candidates:\n"
                  "        remainder = vector.copy()\n"
                  "        for q in basis:\n"
                  "            remainder -= (q @ remainder) * q\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "    return basis\n",
    },
    # outside_span_penalty
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "formula",
        "why": "treats the bank rows as orthonormal (P = B.T @ B)",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    outside = (np.eye(9) - rows.T @ rows).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, outside)\n"
                  "    return strength * keras.ops.sum(residual * residual)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "formula",
        "why": "flattens each kernel column-major (the transposed kernel), so sobel_x looks like sobel_y",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    outside = (np.eye(9) - span.T @ span).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 1, 0)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, outside)\n"
                  "    return strength * keras.ops.sum(residual * residual)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "spec",
        "why": "penalises the part inside the span instead of the part outside it",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    inside = (span.T @ span).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, inside)\n"
                  "    return strength * keras.ops.sum(residual * residual)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "formula",
        "why": "sums the residual lengths, not their squares",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    outside = (np.eye(9) - span.T @ span).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, outside)\n"
                  "    return strength * keras.ops.sum(keras.ops.sqrt(keras.ops.sum(residual * residual, axis=1)))\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "edge-case",
        "why": "projects with inv(B B^T), which only exists when the bank rows are independent",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    projection = rows.T @ np.linalg.inv(rows @ rows.T) @ rows\n"
                  "    outside = (np.eye(9) - projection).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, outside)\n"
                  "    return strength * keras.ops.sum(residual * residual)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "property",
        "why": "NumPy on the weights: right eagerly, but it cannot run inside a tf.function or model.fit",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    w = np.asarray(weights, dtype=np.float64)\n"
                  "    flat = np.transpose(w, (2, 3, 0, 1)).reshape(-1, 9)\n"
                  "    residual = flat - flat @ span.T @ span\n"
                  "    return tf.constant(strength * np.sum(residual**2), dtype=tf.float32)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "type",
        "why": "computes and returns a float64 tensor",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    outside = np.eye(9) - span.T @ span\n"
                  "    weights = tf.cast(weights, tf.float64)\n"
                  "    flat = tf.reshape(tf.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = flat @ outside\n"
                  "    return strength * tf.reduce_sum(residual * residual)\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "kind": "spec",
        "why": "ignores strength (a fixed weight of 1e-3)",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64).reshape(-1, 9)\n"
                  "    _, singular, vt = np.linalg.svd(rows, full_matrices=False)\n"
                  "    span = vt[singular > 1e-10 * singular.max()]\n"
                  "    outside = (np.eye(9) - span.T @ span).astype('float32')\n"
                  "    weights = keras.ops.convert_to_tensor(weights, dtype='float32')\n"
                  "    flat = keras.ops.reshape(keras.ops.transpose(weights, (2, 3, 0, 1)), (-1, 9))\n"
                  "    residual = keras.ops.matmul(flat, outside)\n"
                  "    return 1e-3 * keras.ops.sum(residual * residual)\n",
    },
]
