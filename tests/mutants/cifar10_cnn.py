"""Plausible wrong answers for source/cifar10_cnn that the test cells must reject."""

SPLIT = ["split-answer", ["split-tests"]]
PIPELINE = ["pipeline-answer", ["pipeline-tests"]]
TABLE = ["layer-table-answer", ["layer-table-tests"]]
STOPPING = ["early-stopping-answer", ["early-stopping-tests"]]
RECALL = ["recall-precision-answer", ["recall-precision-tests"]]
KEEP = ["keep-classes-answer", ["keep-classes-tests"]]


def mutant(target, kind, why, source):
    answer, tests = target
    return {"answer": answer, "tests": tests, "kind": kind, "why": why, "source": source}


MUTANTS = [
    # Exercise 1: split_train_validation
    mutant(SPLIT, "spec", "takes the validation part from the start instead of the end",
           "def split_train_validation(dataset, validation_fraction):\n"
           "    n = round(validation_fraction * int(dataset.cardinality()))\n"
           "    return dataset.skip(n), dataset.take(n)\n"),
    mutant(SPLIT, "edge-case", "floors the validation size (int) instead of rounding it: 0.3 x 9 gives 2, not 3",
           "def split_train_validation(dataset, validation_fraction):\n"
           "    total = int(dataset.cardinality())\n"
           "    n = total - int(validation_fraction * total)\n"
           "    return dataset.take(n), dataset.skip(n)\n"),
    mutant(SPLIT, "formula", "overlapping parts: skips one element too few",
           "def split_train_validation(dataset, validation_fraction):\n"
           "    total = int(dataset.cardinality())\n"
           "    n = total - round(validation_fraction * total)\n"
           "    return dataset.take(n), dataset.skip(n - 1)\n"),
    mutant(SPLIT, "type", "returns a list [train, validation] where the statement asks for a tuple",
           "def split_train_validation(dataset, validation_fraction):\n"
           "    total = int(dataset.cardinality())\n"
           "    n = total - round(validation_fraction * total)\n"
           "    return [dataset.take(n), dataset.skip(n)]\n"),
    # Exercise 2: make_pipeline
    mutant(PIPELINE, "spec", "the classmate's order: caches the raw elements and maps after batching and prefetching",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE).map(transform)\n"),
    mutant(PIPELINE, "spec", "shuffles after batching, so only whole batches are reordered",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).cache().batch(batch_size)\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
           "    return dataset.prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "property", "ignores the seed, so two runs shuffle differently",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "property", "the same order every epoch (reshuffle_each_iteration=False)",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed, reshuffle_each_iteration=False)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "property", "a fixed shuffle buffer of 1000 instead of buffer_size",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(1000, seed=seed)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "edge-case", "drops the last, smaller batch",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE).cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
           "    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "spec", "maps one element at a time (no num_parallel_calls)",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform).cache()\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n"),
    mutant(PIPELINE, "property", "never caches, so the transform runs again every epoch",
           "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
           "    dataset = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE)\n"
           "    if training:\n"
           "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
           "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n"),
    # Exercise 3: layer_table
    mutant(TABLE, "formula", "forgets the input channels in a convolution's weights (160 instead of 448)",
           "def layer_table(input_shape, stack):\n"
           "    (h, w, c), rows = input_shape, []\n"
           "    shape = (h, w, c)\n"
           "    for layer in stack:\n"
           "        if layer[0] == 'conv':\n"
           "            _, f, k, padding = layer\n"
           "            h, w = (shape[0], shape[1]) if padding == 'same' else (shape[0] - k + 1, shape[1] - k + 1)\n"
           "            params, shape = k * k * f + f, (h, w, f)\n"
           "        elif layer[0] == 'pool':\n"
           "            params, shape = 0, (shape[0] // layer[1], shape[1] // layer[1], shape[2])\n"
           "        elif layer[0] == 'flatten':\n"
           "            params, shape = 0, (shape[0] * shape[1] * shape[2],)\n"
           "        else:\n"
           "            params, shape = shape[0] * layer[1] + layer[1], (layer[1],)\n"
           "        rows.append((shape, params))\n"
           "    return rows\n"),
    mutant(TABLE, "edge-case", "pooling rounds an odd size up (ceil) instead of down",
           "import math\n"
           "def layer_table(input_shape, stack):\n"
           "    shape, rows = tuple(input_shape), []\n"
           "    for layer in stack:\n"
           "        if layer[0] == 'conv':\n"
           "            _, f, k, padding = layer\n"
           "            h, w = (shape[0], shape[1]) if padding == 'same' else (shape[0] - k + 1, shape[1] - k + 1)\n"
           "            params, shape = k * k * shape[2] * f + f, (h, w, f)\n"
           "        elif layer[0] == 'pool':\n"
           "            params, shape = 0, (math.ceil(shape[0] / layer[1]), math.ceil(shape[1] / layer[1]), shape[2])\n"
           "        elif layer[0] == 'flatten':\n"
           "            params, shape = 0, (shape[0] * shape[1] * shape[2],)\n"
           "        else:\n"
           "            params, shape = shape[0] * layer[1] + layer[1], (layer[1],)\n"
           "        rows.append((shape, params))\n"
           "    return rows\n"),
    mutant(TABLE, "spec", "treats 'valid' padding like 'same'",
           "def layer_table(input_shape, stack):\n"
           "    shape, rows = tuple(input_shape), []\n"
           "    for layer in stack:\n"
           "        if layer[0] == 'conv':\n"
           "            _, f, k, padding = layer\n"
           "            params, shape = k * k * shape[2] * f + f, (shape[0], shape[1], f)\n"
           "        elif layer[0] == 'pool':\n"
           "            params, shape = 0, (shape[0] // layer[1], shape[1] // layer[1], shape[2])\n"
           "        elif layer[0] == 'flatten':\n"
           "            params, shape = 0, (shape[0] * shape[1] * shape[2],)\n"
           "        else:\n"
           "            params, shape = shape[0] * layer[1] + layer[1], (layer[1],)\n"
           "        rows.append((shape, params))\n"
           "    return rows\n"),
    mutant(TABLE, "type", "NumPy integers (np.prod for flatten, np.int64 counts) where Python ints are asked for",
           "def layer_table(input_shape, stack):\n"
           "    shape, rows = tuple(input_shape), []\n"
           "    for layer in stack:\n"
           "        if layer[0] == 'conv':\n"
           "            _, f, k, padding = layer\n"
           "            h, w = (shape[0], shape[1]) if padding == 'same' else (shape[0] - k + 1, shape[1] - k + 1)\n"
           "            params, shape = np.int64(k * k * shape[2] * f + f), (h, w, f)\n"
           "        elif layer[0] == 'pool':\n"
           "            params, shape = np.int64(0), (shape[0] // layer[1], shape[1] // layer[1], shape[2])\n"
           "        elif layer[0] == 'flatten':\n"
           "            params, shape = np.int64(0), (np.prod(shape),)\n"
           "        else:\n"
           "            params, shape = np.int64(shape[0] * layer[1] + layer[1]), (layer[1],)\n"
           "        rows.append((shape, params))\n"
           "    return rows\n"),
    mutant(TABLE, "property", "consumes the stack with pop(0), leaving the caller's list empty",
           "def layer_table(input_shape, stack):\n"
           "    shape, rows = tuple(input_shape), []\n"
           "    while stack:\n"
           "        layer = stack.pop(0)\n"
           "        if layer[0] == 'conv':\n"
           "            _, f, k, padding = layer\n"
           "            h, w = (shape[0], shape[1]) if padding == 'same' else (shape[0] - k + 1, shape[1] - k + 1)\n"
           "            params, shape = k * k * shape[2] * f + f, (h, w, f)\n"
           "        elif layer[0] == 'pool':\n"
           "            params, shape = 0, (shape[0] // layer[1], shape[1] // layer[1], shape[2])\n"
           "        elif layer[0] == 'flatten':\n"
           "            params, shape = 0, (shape[0] * shape[1] * shape[2],)\n"
           "        else:\n"
           "            params, shape = shape[0] * layer[1] + layer[1], (layer[1],)\n"
           "        rows.append((shape, params))\n"
           "    return rows\n"),
    mutant(TABLE, "fooling", "a list whose == always says yes",
           "class _Yes(list):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    def __ne__(self, other):\n"
           "        return False\n"
           "def layer_table(input_shape, stack):\n"
           "    return _Yes([((0, 0, 0), _Yes()) for _ in stack])\n"),
    # Exercise 4: early_stopping
    mutant(STOPPING, "edge-case", "counts an equal loss as an improvement (<= instead of <)",
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    best, best_epoch, waited = float('inf'), 1, 0\n"
           "    for epoch, loss in enumerate(val_losses, start=1):\n"
           "        if loss <= best - min_delta:\n"
           "            best, best_epoch, waited = loss, epoch, 0\n"
           "        else:\n"
           "            waited += 1\n"
           "            if waited >= patience:\n"
           "                return epoch, best_epoch\n"
           "    return len(val_losses), best_epoch\n"),
    mutant(STOPPING, "formula", "reports the lowest loss of the whole curve, ignoring that training stopped before it",
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    best, best_epoch, waited, stopped = float('inf'), 1, 0, len(val_losses)\n"
           "    for epoch, loss in enumerate(val_losses, start=1):\n"
           "        if loss < best - min_delta:\n"
           "            best, best_epoch, waited = loss, epoch, 0\n"
           "        else:\n"
           "            waited += 1\n"
           "            if waited >= patience and stopped == len(val_losses):\n"
           "                stopped = epoch\n"
           "    return stopped, int(min(range(len(val_losses)), key=lambda i: val_losses[i])) + 1\n"),
    mutant(STOPPING, "edge-case", "off by one: stops only after patience + 1 epochs without improvement",
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    best, best_epoch, waited = float('inf'), 1, 0\n"
           "    for epoch, loss in enumerate(val_losses, start=1):\n"
           "        if loss < best - min_delta:\n"
           "            best, best_epoch, waited = loss, epoch, 0\n"
           "        else:\n"
           "            waited += 1\n"
           "            if waited > patience:\n"
           "                return epoch, best_epoch\n"
           "    return len(val_losses), best_epoch\n"),
    mutant(STOPPING, "spec", "ignores min_delta",
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    best, best_epoch, waited = float('inf'), 1, 0\n"
           "    for epoch, loss in enumerate(val_losses, start=1):\n"
           "        if loss < best:\n"
           "            best, best_epoch, waited = loss, epoch, 0\n"
           "        else:\n"
           "            waited += 1\n"
           "            if waited >= patience:\n"
           "                return epoch, best_epoch\n"
           "    return len(val_losses), best_epoch\n"),
    mutant(STOPPING, "type", "NumPy integers from argmin where Python ints are asked for",
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    losses = np.asarray(val_losses, dtype=float)\n"
           "    best, waited = 0, 0\n"
           "    for epoch in range(1, len(losses)):\n"
           "        if losses[epoch] < losses[best] - min_delta:\n"
           "            best, waited = epoch, 0\n"
           "        else:\n"
           "            waited += 1\n"
           "            if waited >= patience:\n"
           "                return np.int64(epoch + 1), np.int64(best + 1)\n"
           "    return np.int64(len(losses)), np.int64(best + 1)\n"),
    mutant(STOPPING, "fooling", "ints whose == always says yes",
           "class _Yes(int):\n"
           "    def __eq__(self, other):\n"
           "        return True\n"
           "    __hash__ = int.__hash__\n"
           "def early_stopping(val_losses, patience, min_delta=0.0):\n"
           "    return (_Yes(1), _Yes(1))\n"),
    # Exercise 5: recall_and_precision
    mutant(RECALL, "formula", "swaps the axes: divides by the predictions for recall and by the actual classes for precision",
           "def recall_and_precision(actual, predicted, num_classes):\n"
           "    matrix = np.zeros((num_classes, num_classes))\n"
           "    np.add.at(matrix, (np.asarray(actual), np.asarray(predicted)), 1)\n"
           "    with np.errstate(invalid='ignore', divide='ignore'):\n"
           "        return np.diag(matrix) / matrix.sum(axis=0), np.diag(matrix) / matrix.sum(axis=1)\n"),
    mutant(RECALL, "edge-case", "gives 0 instead of nan to a class that is never predicted or never seen",
           "def recall_and_precision(actual, predicted, num_classes):\n"
           "    matrix = np.zeros((num_classes, num_classes))\n"
           "    np.add.at(matrix, (np.asarray(actual), np.asarray(predicted)), 1)\n"
           "    hits = np.diag(matrix)\n"
           "    return hits / np.maximum(matrix.sum(axis=1), 1), hits / np.maximum(matrix.sum(axis=0), 1)\n"),
    mutant(RECALL, "type", "float32 arrays where float64 is asked for",
           "def recall_and_precision(actual, predicted, num_classes):\n"
           "    matrix = np.zeros((num_classes, num_classes), dtype=np.float32)\n"
           "    np.add.at(matrix, (np.asarray(actual), np.asarray(predicted)), 1)\n"
           "    with np.errstate(invalid='ignore', divide='ignore'):\n"
           "        return np.diag(matrix) / matrix.sum(axis=1), np.diag(matrix) / matrix.sum(axis=0)\n"),
    mutant(RECALL, "type", "plain lists instead of NumPy arrays",
           "def recall_and_precision(actual, predicted, num_classes):\n"
           "    recall, precision = [], []\n"
           "    for c in range(num_classes):\n"
           "        hits = sum(a == c and p == c for a, p in zip(actual, predicted))\n"
           "        seen, called = sum(a == c for a in actual), sum(p == c for p in predicted)\n"
           "        recall.append(hits / seen if seen else float('nan'))\n"
           "        precision.append(hits / called if called else float('nan'))\n"
           "    return recall, precision\n"),
    mutant(RECALL, "fooling", "an ndarray subclass whose comparisons always succeed",
           "class _Yes(np.ndarray):\n"
           "    def __eq__(self, other):\n"
           "        return np.ones(self.shape, bool)\n"
           "def recall_and_precision(actual, predicted, num_classes):\n"
           "    same = np.zeros(num_classes).view(_Yes)\n"
           "    return same, same\n"),
    # Exercise 7: keep_classes
    mutant(KEEP, "formula", "relabels by sorted class index instead of position in the list",
           "def keep_classes(dataset, classes):\n"
           "    ordered = tf.constant(sorted(classes), dtype=tf.int64)\n"
           "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), ordered)))\n"
           "    return dataset.map(lambda i, l: (i, tf.argmax(tf.cast(tf.equal(tf.cast(l, tf.int64), ordered), tf.int64))))\n"),
    mutant(KEEP, "spec", "binary relabelling (label == classes[1]) that only works for two classes",
           "def keep_classes(dataset, classes):\n"
           "    wanted = tf.constant(classes, dtype=tf.int64)\n"
           "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), wanted)))\n"
           "    return dataset.map(lambda i, l: (i, tf.cast(tf.cast(l, tf.int64) == classes[1], tf.int64)))\n"),
    mutant(KEEP, "type", "int32 labels where int64 is asked for",
           "def keep_classes(dataset, classes):\n"
           "    wanted = tf.constant(classes, dtype=tf.int64)\n"
           "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), wanted)))\n"
           "    return dataset.map(lambda i, l: (i, tf.argmax(tf.cast(tf.equal(tf.cast(l, tf.int64), wanted), tf.int32), output_type=tf.int32)))\n"),
    mutant(KEEP, "type", "labels as one-element vectors (like dog_is_one) instead of scalars",
           "def keep_classes(dataset, classes):\n"
           "    wanted = tf.constant(classes, dtype=tf.int64)\n"
           "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), wanted)))\n"
           "    return dataset.map(lambda i, l: (i, tf.reshape(tf.argmax(tf.cast(tf.equal(tf.cast(l, tf.int64), wanted), tf.int64)), [1])))\n"),
    mutant(KEEP, "edge-case", "compares without casting, so int32 labels fail against the int64 class list",
           "def keep_classes(dataset, classes):\n"
           "    wanted = tf.constant(classes, dtype=tf.int64)\n"
           "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(l, wanted)))\n"
           "    return dataset.map(lambda i, l: (i, tf.argmax(tf.cast(tf.equal(l, wanted), tf.int64))))\n"),
]
