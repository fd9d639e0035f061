"""Correct answers for source/cifar10_cnn written in other styles than the reference: each must pass its test cells."""

SPLIT = ["split-answer", ["split-tests"]]
PIPELINE = ["pipeline-answer", ["pipeline-tests"]]
TABLE = ["layer-table-answer", ["layer-table-tests"]]
STOPPING = ["early-stopping-answer", ["early-stopping-tests"]]
RECALL = ["recall-precision-answer", ["recall-precision-tests"]]
KEEP = ["keep-classes-answer", ["keep-classes-tests"]]


def alternative(target, style, why, source):
    answer, tests = target
    return {"answer": answer, "tests": tests, "style": style, "why": why, "source": source}


ALTERNATIVES = [
    # Exercise 1: split_train_validation
    alternative(SPLIT, "numpy-round", "NumPy's round (also half to even) on the cardinality tensor",
                "def split_train_validation(dataset, validation_fraction):\n"
                "    total = dataset.cardinality().numpy()\n"
                "    keep = int(total - np.round(validation_fraction * total))\n"
                "    return (dataset.take(keep), dataset.skip(keep))\n"),
    alternative(SPLIT, "enumerate-filter", "numbers the elements and filters by index instead of take/skip",
                "def split_train_validation(dataset, validation_fraction):\n"
                "    total = int(tf.data.experimental.cardinality(dataset))\n"
                "    cut = total - round(validation_fraction * total)\n"
                "    numbered = dataset.enumerate()\n"
                "    train = numbered.filter(lambda i, x: i < cut).map(lambda i, x: x)\n"
                "    validation = numbered.filter(lambda i, x: i >= cut).map(lambda i, x: x)\n"
                "    return train, validation\n"),
    # Exercise 2: make_pipeline
    alternative(PIPELINE, "keywords-conditional", "keyword arguments everywhere and a conditional expression",
                "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
                "    mapped = dataset.map(transform, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).cache()\n"
                "    ordered = mapped.shuffle(buffer_size=buffer_size, seed=seed) if training else mapped\n"
                "    return ordered.batch(batch_size=batch_size, drop_remainder=False).prefetch(buffer_size=tf.data.AUTOTUNE)\n"),
    alternative(PIPELINE, "experimental-alias", "the tf.data.experimental.AUTOTUNE alias, one step per line",
                "AUTO = tf.data.experimental.AUTOTUNE\n"
                "def make_pipeline(dataset, transform, batch_size, training, buffer_size=1000, seed=0):\n"
                "    steps = dataset.map(transform, AUTO)\n"
                "    steps = steps.cache()\n"
                "    if training:\n"
                "        steps = steps.shuffle(buffer_size, seed, reshuffle_each_iteration=True)\n"
                "    steps = steps.batch(batch_size)\n"
                "    steps = steps.prefetch(AUTO)\n"
                "    return steps\n"),
    # Exercise 3: layer_table
    alternative(TABLE, "math-prod-dispatch", "math.prod and a dictionary of small functions",
                "import math\n"
                "def layer_table(input_shape, stack):\n"
                "    def conv(shape, filters, kernel, padding):\n"
                "        lost = 0 if padding == 'same' else kernel - 1\n"
                "        return (shape[0] - lost, shape[1] - lost, filters), (kernel * kernel * shape[2] + 1) * filters\n"
                "    rules = {\n"
                "        'conv': conv,\n"
                "        'pool': lambda shape, size: ((shape[0] // size, shape[1] // size, shape[2]), 0),\n"
                "        'flatten': lambda shape: ((math.prod(shape),), 0),\n"
                "        'dense': lambda shape, units: ((units,), (shape[0] + 1) * units),\n"
                "    }\n"
                "    shape, rows = tuple(input_shape), []\n"
                "    for kind, *settings in stack:\n"
                "        shape, count = rules[kind](shape, *settings)\n"
                "        rows.append((tuple(int(s) for s in shape), int(count)))\n"
                "    return rows\n"),
    alternative(TABLE, "keras-model", "builds the stack in Keras and reads shapes and counts back as Python ints",
                "def layer_table(input_shape, stack):\n"
                "    built = {'conv': lambda f, k, p: layers.Conv2D(f, k, padding=p), 'pool': layers.MaxPooling2D,\n"
                "             'flatten': layers.Flatten, 'dense': layers.Dense}\n"
                "    model = keras.Sequential([keras.Input(tuple(input_shape))] + [built[kind](*settings) for kind, *settings in stack])\n"
                "    return [(tuple(int(s) for s in layer.output.shape[1:]), int(layer.count_params())) for layer in model.layers]\n"),
    # Exercise 4: early_stopping
    alternative(STOPPING, "keras-callback", "drives Keras's own EarlyStopping on a stand-in model",
                "def early_stopping(val_losses, patience, min_delta=0.0):\n"
                "    class Stand:\n"
                "        stop_training = False\n"
                "        def get_weights(self):\n"
                "            return []\n"
                "        def set_weights(self, weights):\n"
                "            pass\n"
                "    callback = keras.callbacks.EarlyStopping(monitor='val_loss', patience=patience, min_delta=min_delta, restore_best_weights=True)\n"
                "    callback.set_model(Stand())\n"
                "    callback.on_train_begin()\n"
                "    trained = 0\n"
                "    for epoch, loss in enumerate(val_losses):\n"
                "        trained = epoch + 1\n"
                "        callback.on_epoch_end(epoch, {'val_loss': float(loss)})\n"
                "        if callback.model.stop_training:\n"
                "            break\n"
                "    return trained, int(callback.best_epoch) + 1\n"),
    alternative(STOPPING, "improvement-list", "lists the improving epochs first, then finds the first long enough wait",
                "def early_stopping(val_losses, patience, min_delta=0.0):\n"
                "    losses = [float(v) for v in val_losses]\n"
                "    improving, best = [], None\n"
                "    for epoch, loss in enumerate(losses, start=1):\n"
                "        if best is None or best - loss > min_delta:\n"
                "            improving.append(epoch)\n"
                "            best = loss\n"
                "        elif epoch - improving[-1] >= patience:\n"
                "            return epoch, improving[-1]\n"
                "    return len(losses), improving[-1]\n"),
    # Exercise 5: recall_and_precision
    alternative(RECALL, "add-at-errstate", "a float confusion matrix with np.add.at, divided under errstate",
                "def recall_and_precision(actual, predicted, num_classes):\n"
                "    matrix = np.zeros((num_classes, num_classes))\n"
                "    np.add.at(matrix, (np.array(actual, dtype=int), np.array(predicted, dtype=int)), 1)\n"
                "    with np.errstate(invalid='ignore', divide='ignore'):\n"
                "        return np.diag(matrix) / matrix.sum(axis=1), np.diag(matrix) / matrix.sum(axis=0)\n"),
    alternative(RECALL, "course-helpers-transposed", "the notebook's confusion_matrix and accuracy_by_class, on the transpose for precision",
                "def recall_and_precision(actual, predicted, num_classes):\n"
                "    matrix = confusion_matrix(actual, predicted, num_classes)\n"
                "    return accuracy_by_class(matrix), accuracy_by_class(matrix.T)\n"),
    alternative(RECALL, "bincount", "np.bincount for hits, row and column totals, np.where for the empty ones",
                "def recall_and_precision(actual, predicted, num_classes):\n"
                "    actual, predicted = np.asarray(actual), np.asarray(predicted)\n"
                "    hits = np.bincount(actual[actual == predicted], minlength=num_classes).astype(float)\n"
                "    seen = np.bincount(actual, minlength=num_classes)\n"
                "    called = np.bincount(predicted, minlength=num_classes)\n"
                "    recall = np.where(seen > 0, hits / np.maximum(seen, 1), np.nan)\n"
                "    precision = np.where(called > 0, hits / np.maximum(called, 1), np.nan)\n"
                "    return recall, precision\n"),
    # Exercise 7: keep_classes
    alternative(KEEP, "hash-table", "a StaticHashTable from class to position, -1 for the others",
                "def keep_classes(dataset, classes):\n"
                "    table = tf.lookup.StaticHashTable(\n"
                "        tf.lookup.KeyValueTensorInitializer(tf.constant(classes, tf.int64), tf.range(len(classes), dtype=tf.int64)), -1)\n"
                "    position = lambda label: table.lookup(tf.cast(label, tf.int64))\n"
                "    return dataset.filter(lambda image, label: position(label) >= 0).map(lambda image, label: (image, position(label)))\n"),
    alternative(KEEP, "tf-where", "tf.where on the equality with the class list",
                "def keep_classes(dataset, classes):\n"
                "    wanted = tf.constant(classes, dtype=tf.int64)\n"
                "    def matches(label):\n"
                "        return tf.equal(wanted, tf.cast(label, tf.int64))\n"
                "    kept = dataset.filter(lambda image, label: tf.reduce_any(matches(label)))\n"
                "    return kept.map(lambda image, label: (image, tf.where(matches(label))[0, 0]))\n"),
]
