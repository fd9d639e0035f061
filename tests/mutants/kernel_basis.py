"""Plausible wrong answers for the kernel_basis assignment; each must make its test cell fail."""

MUTANTS = [
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "why": "plain reshape: interleaves the input channels instead of keeping one 9-row block per channel",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    return weights.reshape(-1, weights.shape[-1])\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "why": "column-major order inside each kernel (flattens the transposed kernel)",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    return np.transpose(weights, (2, 1, 0, 3)).reshape(rows * columns * channels, filters)\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "why": "returns float64 instead of keeping the input's dtype",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights, dtype=np.float64)\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    return np.transpose(weights, (2, 0, 1, 3)).reshape(rows * columns * channels, filters)\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "why": "dot products instead of cosine similarity (big bank kernels win)",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    similarity = np.asarray(bank_rows, dtype=float) @ np.asarray(learned, dtype=float)\n"
                  "    best = np.abs(similarity).argmax(axis=0)\n"
                  "    return [(names[b], float(similarity[b, j])) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
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
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
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
        "why": "compares the rank with the number of rows tried so far instead of the number kept",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    bank_rows = np.asarray(bank_rows, dtype=float)\n"
                  "    kept = []\n"
                  "    for i, name in enumerate(names):\n"
                  "        if np.linalg.matrix_rank(bank_rows[: i + 1]) == i + 1:\n"
                  "            kept.append(name)\n"
                  "    return kept\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
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
        "why": "orthonormalises with QR, which returns the basis as columns and may flip signs",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    candidates = np.concatenate([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)])\n"
                  "    q, _ = np.linalg.qr(candidates.T)\n"
                  "    return q\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
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
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
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
]
