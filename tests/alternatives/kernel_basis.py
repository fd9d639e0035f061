"""Correct answers for source/kernel_basis written in other styles than the reference: each must pass its test cells."""

ALTERNATIVES = [
    # flatten_kernels
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "style": "loops",
        "why": "fills the result entry by entry",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    rows, columns, channels, filters = weights.shape\n"
                  "    flat = np.empty((rows * columns * channels, filters), dtype=weights.dtype)\n"
                  "    for f in range(filters):\n"
                  "        for c in range(channels):\n"
                  "            for row in range(rows):\n"
                  "                for column in range(columns):\n"
                  "                    flat[9 * c + 3 * row + column, f] = weights[row, column, c, f]\n"
                  "    return flat\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "style": "concatenate blocks",
        "why": "one reshaped (9, F) block per channel, stacked",
        "source": "def flatten_kernels(weights):\n"
                  "    weights = np.asarray(weights)\n"
                  "    return np.concatenate([weights[:, :, c, :].reshape(9, weights.shape[3]) for c in range(weights.shape[2])], axis=0)\n",
    },
    {
        "answer": "flatten-kernels-answer",
        "tests": ["flatten-kernels-tests"],
        "style": "TensorFlow",
        "why": "tf.transpose and tf.reshape, converted back with .numpy()",
        "source": "def flatten_kernels(weights):\n"
                  "    channels, filters = weights.shape[2], weights.shape[3]\n"
                  "    return tf.reshape(tf.transpose(tf.constant(weights), (2, 0, 1, 3)), (9 * channels, filters)).numpy()\n",
    },
    # independent_subset
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "style": "matrix_rank of the whole prefix",
        "why": "keeps a row when the rank of the kept rows plus it exceeds the rank of the kept rows alone",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept, rank = [], 0\n"
                  "    rows = []\n"
                  "    for index, name in enumerate(names):\n"
                  "        new_rank = np.linalg.matrix_rank(np.vstack(rows + [bank_rows[index]]))\n"
                  "        if new_rank > rank:\n"
                  "            kept.append(name)\n"
                  "            rows.append(bank_rows[index])\n"
                  "            rank = new_rank\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "style": "SVD singular values",
        "why": "counts singular values above the same relative tolerance matrix_rank uses",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    def rank(rows):\n"
                  "        singular = np.linalg.svd(np.array(rows, dtype=float), compute_uv=False)\n"
                  "        if singular.size == 0 or singular.max() == 0:\n"
                  "            return 0\n"
                  "        return int((singular > singular.max() * max(np.shape(rows)) * np.finfo(float).eps).sum())\n"
                  "    kept, kept_rows = [], []\n"
                  "    for name, row in zip(names, bank_rows):\n"
                  "        if rank(kept_rows + [list(row)]) > len(kept_rows):\n"
                  "            kept.append(name)\n"
                  "            kept_rows.append(list(row))\n"
                  "    return kept\n",
    },
    {
        "answer": "independent-subset-answer",
        "tests": ["independent-subset-tests"],
        "style": "least-squares residual",
        "why": "a row is kept when the kept rows cannot reproduce it (relative residual above 1e-9)",
        "source": "def independent_subset(bank_rows, names):\n"
                  "    kept, kept_rows = [], []\n"
                  "    for name, row in zip(names, np.array(bank_rows, dtype=float)):\n"
                  "        length = np.linalg.norm(row)\n"
                  "        if length == 0:\n"
                  "            continue\n"
                  "        if kept_rows:\n"
                  "            basis = np.array(kept_rows).T\n"
                  "            coefficients = np.linalg.lstsq(basis, row, rcond=None)[0]\n"
                  "            if np.linalg.norm(row - basis @ coefficients) <= 1e-9 * length:\n"
                  "                continue\n"
                  "        kept.append(name)\n"
                  "        kept_rows.append(row)\n"
                  "    return kept\n",
    },
    # best_matches
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "style": "loops with math",
        "why": "plain Python loops and math.sqrt; ties go to the first bank kernel",
        "source": "import math\n\n"
                  "def best_matches(bank_rows, names, learned):\n"
                  "    result = []\n"
                  "    for j in range(len(learned[0])):\n"
                  "        column = [float(learned[i][j]) for i in range(len(learned))]\n"
                  "        best_name, best_cos = None, 0.0\n"
                  "        for name, row in zip(names, bank_rows):\n"
                  "            row = [float(x) for x in row]\n"
                  "            dot = sum(a * b for a, b in zip(row, column))\n"
                  "            cos = dot / (math.sqrt(sum(a * a for a in row)) * math.sqrt(sum(b * b for b in column)))\n"
                  "            if best_name is None or abs(cos) > abs(best_cos):\n"
                  "                best_name, best_cos = name, cos\n"
                  "        result.append((best_name, best_cos))\n"
                  "    return result\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "style": "SciPy",
        "why": "scipy.spatial.distance.cdist with the cosine metric (distance = 1 - cosine)",
        "source": "from scipy.spatial.distance import cdist\n\n"
                  "def best_matches(bank_rows, names, learned):\n"
                  "    cosine = 1.0 - cdist(np.asarray(bank_rows, dtype=float), np.asarray(learned, dtype=float).T, metric='cosine')\n"
                  "    best = np.argmax(np.abs(cosine), axis=0)\n"
                  "    return [(names[b], cosine[b, j].item()) for j, b in enumerate(best)]\n",
    },
    {
        "answer": "best-matches-answer",
        "tests": ["best-matches-tests"],
        "style": "TensorFlow in float32",
        "why": "tf.math.l2_normalize in float32 (cosines about 1e-7 off), returned as Python floats",
        "source": "def best_matches(bank_rows, names, learned):\n"
                  "    rows = tf.math.l2_normalize(tf.constant(bank_rows, tf.float32), axis=1)\n"
                  "    columns = tf.math.l2_normalize(tf.constant(learned, tf.float32), axis=0)\n"
                  "    cosine = tf.matmul(rows, columns).numpy()\n"
                  "    best = np.abs(cosine).argmax(axis=0)\n"
                  "    return [(names[int(b)], float(cosine[b, j])) for j, b in enumerate(best)]\n",
    },
    # gram_schmidt
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "style": "classical Gram-Schmidt",
        "why": "all projection coefficients taken from the original vector at once",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    basis = []\n"
                  "    for vector in list(np.array(vectors, dtype=np.float64).reshape(-1, 9)) + list(np.eye(9)):\n"
                  "        if len(basis) == 9:\n"
                  "            break\n"
                  "        remainder = vector - sum(((q @ vector) * q for q in basis), np.zeros(9))\n"
                  "        length = np.sqrt(remainder @ remainder)\n"
                  "        if length > tol:\n"
                  "            basis.append(remainder / length)\n"
                  "    return np.vstack(basis)\n",
    },
    {
        "answer": "gram-schmidt-answer",
        "tests": ["gram-schmidt-tests"],
        "style": "projection matrix",
        "why": "subtracts Q.T @ (Q @ v) with the basis found so far as a matrix",
        "source": "def gram_schmidt(vectors, tol=1e-8):\n"
                  "    Q = np.zeros((0, 9))\n"
                  "    for vector in np.vstack([np.asarray(vectors, dtype=np.float64).reshape(-1, 9), np.eye(9)]):\n"
                  "        remainder = vector - Q.T @ (Q @ vector)\n"
                  "        length = np.linalg.norm(remainder)\n"
                  "        if length > tol and Q.shape[0] < 9:\n"
                  "            Q = np.vstack([Q, remainder / length])\n"
                  "    return Q\n",
    },
    # outside_span_penalty
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "style": "pinv and tf.einsum",
        "why": "P from the pseudo-inverse, residuals with an einsum over the kernel axes",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64)\n"
                  "    outside = tf.constant((np.eye(9) - np.linalg.pinv(rows) @ rows).reshape(3, 3, 3, 3), tf.float32)\n"
                  "    w = tf.cast(weights, tf.float32)\n"
                  "    residual = tf.einsum('ijkl,klcf->ijcf', outside, w)\n"
                  "    return tf.cast(strength, tf.float32) * tf.reduce_sum(tf.square(residual))\n",
    },
    {
        "answer": "span-penalty-answer",
        "tests": ["span-penalty-tests"],
        "style": "keras.ops with reshape(9, -1) and a QR basis",
        "why": "kernels as columns of a (9, C*F) matrix, an orthonormal basis of the span from QR of independent rows",
        "source": "def outside_span_penalty(weights, bank_rows, strength=1e-3):\n"
                  "    rows = np.asarray(bank_rows, dtype=np.float64)\n"
                  "    kept = []\n"
                  "    for row in rows:\n"
                  "        if np.linalg.matrix_rank(np.array(kept + [row])) > len(kept):\n"
                  "            kept.append(row)\n"
                  "    Q = np.linalg.qr(np.array(kept).T)[0].T if kept else np.zeros((0, 9))\n"
                  "    columns = keras.ops.reshape(keras.ops.cast(weights, 'float32'), (9, -1))\n"
                  "    inside = keras.ops.matmul(keras.ops.convert_to_tensor((Q.T @ Q).astype('float32')), columns)\n"
                  "    return keras.ops.cast(strength, 'float32') * keras.ops.sum(keras.ops.square(columns - inside))\n",
    },
]
